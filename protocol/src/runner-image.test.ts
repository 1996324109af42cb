import { describe, expect, it } from 'vitest';
import { formatElapsed, runnerImageLine, runnerImageStatus } from './runner-image.ts';

describe('runner image status', () => {
  it('formats elapsed time as a clock does', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(41_900)).toBe('0:41');
    expect(formatElapsed(12 * 60_000 + 5_000)).toBe('12:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5_000)).toBe('0:00');
  });

  it('words each state: preparing ticks with the clock, ready says how long it took, failed gives the reason', () => {
    const startedAt = 1_000_000;
    expect(runnerImageLine({ state: 'preparing', startedAt }, startedAt + 41_000)).toBe('Preparing runner image — 0:41');
    expect(runnerImageLine({ state: 'preparing', startedAt }, startedAt + 61_000)).toBe('Preparing runner image — 1:01');
    expect(runnerImageLine({ state: 'ready', startedAt, endedAt: startedAt + 52_000 }, startedAt + 999_000)).toBe('Runner image ready after 0:52');
    expect(runnerImageLine({ state: 'failed', startedAt, reason: 'debootstrap is not installed.' }, startedAt)).toBe('Runner image failed: debootstrap is not installed.');
  });

  it('refuses a state it does not know and an overlong reason', () => {
    expect(runnerImageStatus.safeParse({ state: 'building', startedAt: 1 }).success).toBe(false);
    expect(runnerImageStatus.safeParse({ state: 'failed', startedAt: 1, reason: 'x'.repeat(2001) }).success).toBe(false);
    expect(runnerImageStatus.safeParse({ state: 'ready', startedAt: 1, endedAt: 2 }).success).toBe(true);
  });
});
