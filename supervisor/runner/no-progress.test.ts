import { describe, expect, it } from 'vitest';
import { noProgressReason, RepeatedChanges, RepeatedFailures, sameChangeReason } from './no-progress.ts';

describe('RepeatedFailures', () => {
  const failure = { command: 'npm test', exitCode: 1, output: '1 failed' };

  it('counts the same failure in a row; a different one starts over', () => {
    const repeats = new RepeatedFailures();
    expect([repeats.record(failure), repeats.record(failure)]).toEqual([1, 2]);
    expect(repeats.record({ ...failure, output: '2 failed' })).toBe(1);
    expect([repeats.record({ ...failure, output: '2 failed' }), repeats.record({ ...failure, output: '2 failed' })]).toEqual([2, 3]);
    expect(repeats.record({ ...failure, exitCode: 2, output: '2 failed' })).toBe(1);
    repeats.reset();
    expect(repeats.record(failure)).toBe(1);
  });

  it('names the command in the reason', () => {
    expect(noProgressReason('npm test', 3)).toBe('No progress: `npm test` failed the same way 3 times');
  });
});

describe('RepeatedChanges', () => {
  it('counts the same change in a row; another change starts over', () => {
    const repeats = new RepeatedChanges();
    expect(['a', 'a', 'b', 'b', 'b'].map((tree) => repeats.record(tree))).toEqual([1, 2, 1, 2, 3]);
    repeats.reset();
    expect(repeats.record('b')).toBe(1);
  });

  it('says what repeated', () => {
    expect(sameChangeReason(3)).toBe('No progress: the same change was produced 3 times');
  });
});
