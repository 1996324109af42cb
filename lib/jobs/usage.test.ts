import { describe, expect, it } from 'vitest';
import { emptyJobUsage, jobUsageTotals, storedSaving, sumJobUsage, usageOfEvents } from './usage.ts';

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
    const { saving, ...figures } = totals;
    expect(figures).toEqual({ inputTokens: 150, outputTokens: 15, cacheReadTokens: 500, cacheWriteTokens: 500, costUsd: 0.012, costIncomplete: false, partial: false, turns: 4 });
    // Sonnet 4.6: 500 read × ($3 − $0.30)/M = $0.00135; 500 written × ($3.75 − $3)/M = $0.000375.
    expect(saving.readSavingUsd).toBeCloseTo(0.00135, 12);
    expect(saving.writePremiumUsd).toBeCloseTo(0.000375, 12);
    expect(saving.netUsd).toBeCloseTo(0.000975, 12);
  });

  it('stores the saving in three columns and reads it back with its net', () => {
    const totals = usageOfEvents([usage(1, 'plan', { input: 0, output: 0, cacheRead: 1_000_000, cacheWrite: 200_000 })]);
    const row = { ...totals, ...storedSaving(totals.saving) };
    expect(storedSaving(totals.saving)).toEqual({ cacheReadSavingUsd: totals.saving.readSavingUsd, cacheWritePremiumUsd: totals.saving.writePremiumUsd, savingUnpriced: false });
    const read = jobUsageTotals(row);
    expect(read.saving.readSavingUsd).toBeCloseTo(2.7, 10);
    expect(read.saving.writePremiumUsd).toBeCloseTo(0.15, 10);
    expect(read.saving.netUsd).toBeCloseTo(2.55, 10);
  });

  it('adds up a ticket’s runs, saving included; a run without usage adds nothing', () => {
    const a = jobUsageTotals({ inputTokens: 10, outputTokens: 1, costUsd: 0.5, turns: 2, cacheReadSavingUsd: 2.7, cacheWritePremiumUsd: 0.15 });
    const b = jobUsageTotals({ inputTokens: 5, costUsd: 0.25, turns: 1, cacheReadSavingUsd: 0.009, cacheWritePremiumUsd: 0.01, savingUnpriced: true, costIncomplete: true });
    const sum = [a, b, jobUsageTotals(null)].reduce(sumJobUsage, emptyJobUsage);
    expect(sum).toMatchObject({ inputTokens: 15, outputTokens: 1, costUsd: 0.75, turns: 3, costIncomplete: true });
    expect(sum.saving.netUsd).toBeCloseTo(2.549, 10);
    expect(sum.saving.unpriced).toBe(true);
  });

  it('marks the cost incomplete for usage of an unknown model without a figure', () => {
    expect(usageOfEvents([usage(1, 'x', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, 'no-such-model')]).costIncomplete).toBe(true);
  });

  it('reads a job without a usage row, or with nulls, as nothing spent', () => {
    expect(jobUsageTotals(undefined)).toEqual(emptyJobUsage);
    expect(jobUsageTotals({ inputTokens: 7, turns: null })).toEqual({ ...emptyJobUsage, inputTokens: 7 });
  });
});
