import { describe, expect, it } from 'vitest';
import { emptyJobUsage, jobUsageTotals, usageOfEvents } from './usage.ts';

const usage = (seq: number, stage: string, u: { input: number; output: number; cacheRead: number; cacheWrite: number; costUsd?: number }, model = 'claude-sonnet-4-6') => ({
  seq,
  type: 'usage',
  payload: { stage, model, inputTokens: u.input, outputTokens: u.output, cacheReadTokens: u.cacheRead, cacheWriteTokens: u.cacheWrite, costUsd: u.costUsd },
});
const result = (seq: number, stage: string, numTurns: number | null) => ({ seq, type: 'result', payload: { stage, isError: false, numTurns, text: '' } });

describe('a job’s usage totals', () => {
  it('adds usage events across stages and the turns of their results; other events count for nothing', () => {
    const totals = usageOfEvents([
      usage(1, 'plan', { input: 100, output: 10, cacheRead: 0, cacheWrite: 500, costUsd: 0.01 }),
      result(2, 'plan', 1),
      { seq: 3, type: 'text', payload: { stage: 'implement', text: 'hi' } },
      usage(4, 'implement', { input: 50, output: 5, cacheRead: 500, cacheWrite: 0, costUsd: 0.002 }),
      result(5, 'implement', 3),
      result(6, 'review', null),
    ]);
    expect(totals).toEqual({ inputTokens: 150, outputTokens: 15, cacheReadTokens: 500, cacheWriteTokens: 500, costUsd: 0.012, costIncomplete: false, partial: false, turns: 4 });
  });

  it('marks the cost incomplete for usage of an unknown model without a figure', () => {
    expect(usageOfEvents([usage(1, 'x', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, 'no-such-model')]).costIncomplete).toBe(true);
  });

  it('reads a job without a usage row, or with nulls, as nothing spent', () => {
    expect(jobUsageTotals(undefined)).toEqual(emptyJobUsage);
    expect(jobUsageTotals({ inputTokens: 7, turns: null })).toEqual({ ...emptyJobUsage, inputTokens: 7 });
  });
});
