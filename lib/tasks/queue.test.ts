import { describe, expect, it } from 'vitest';
import { periodicDelayMs } from './queue.ts';

describe('periodicDelayMs', () => {
  it('waits one period after a run that went well', () => {
    expect(periodicDelayMs(5000, 0)).toBe(5000);
  });

  it('doubles the wait for each failure in a row, up to ten minutes', () => {
    expect([1, 2, 3].map((failures) => periodicDelayMs(5000, failures))).toEqual([10_000, 20_000, 40_000]);
    expect(periodicDelayMs(5000, 20)).toBe(600_000);
  });

  it('never waits less than the period, even past the cap', () => {
    expect(periodicDelayMs(900_000, 3)).toBe(900_000);
  });
});
