import { describe, expect, it } from 'vitest';
import { usageTotals, cacheHitRate, type JobEventRow } from '../jobs/event-feed.ts';
import { addSaving, cacheSaving, describeSaving, formatUsd, noSaving } from './cache-saving.ts';

const usage = (model: string, cacheReadTokens: number, cacheWriteTokens: number, stage = 'implement') => ({
  stage,
  model,
  inputTokens: 1000,
  outputTokens: 500,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('cache saving', () => {
  it('nets what cache reads saved over plain input against the write premium (Sonnet 4.6: $3 in, $0.30 read, $3.75 write)', () => {
    // 1,000,000 read × ($3 − $0.30)/M = $2.70; 200,000 written × ($3.75 − $3)/M = $0.15
    const saving = cacheSaving(usage('claude-sonnet-4-6', 1_000_000, 200_000));
    expect(saving.readSavingUsd).toBeCloseTo(2.7, 10);
    expect(saving.writePremiumUsd).toBeCloseTo(0.15, 10);
    expect(saving.netUsd).toBeCloseTo(2.55, 10);
    expect(saving.unpriced).toBe(false);
  });

  it('is negative when the cache was written more than read (Haiku 4.5)', () => {
    // 10,000 read × ($1 − $0.10)/M = $0.009; 40,000 written × ($1.25 − $1)/M = $0.01
    const saving = cacheSaving(usage('claude-haiku-4-5', 10_000, 40_000));
    expect(saving.netUsd).toBeCloseTo(-0.001, 10);
    expect(formatUsd(saving.netUsd)).toBe('−$0.0010');
  });

  it('counts nothing for a model not on the price list, and says so when it used the cache', () => {
    expect(cacheSaving(usage('gpt-unknown', 5000, 100))).toEqual({ ...noSaving, unpriced: true });
    expect(cacheSaving(usage('gpt-unknown', 0, 0))).toEqual(noSaving);
  });

  it('sums per model before adding up, so a job with two models is priced right', () => {
    const total = addSaving(cacheSaving(usage('claude-sonnet-4-6', 1_000_000, 0)), cacheSaving(usage('claude-opus-4-7', 1_000_000, 0)));
    // $2.70 + 1,000,000 × ($5 − $0.50)/M = $4.50
    expect(total.netUsd).toBeCloseTo(7.2, 10);
  });

  it('shows the gross figures for the tooltip', () => {
    expect(describeSaving(cacheSaving(usage('claude-sonnet-4-6', 1_000_000, 200_000)))).toBe(
      'Cache reads saved $2.70 over plain input\nCache writes cost $0.1500 more than plain input\nNet $2.55',
    );
  });
});

describe('job and stage usage carry the saving', () => {
  const row = (seq: number, payload: unknown): JobEventRow => ({ seq, type: 'usage', payload });

  it('per stage and per job, priced per model', () => {
    const { job, byStage } = usageTotals([
      row(1, usage('claude-sonnet-4-6', 1_000_000, 200_000, 'plan')),
      row(2, usage('claude-haiku-4-5', 10_000, 40_000, 'review')),
      row(3, { not: 'a usage' }),
    ]);
    expect(byStage.get('plan')?.saving.netUsd).toBeCloseTo(2.55, 10);
    expect(byStage.get('review')?.saving.netUsd).toBeCloseTo(-0.001, 10);
    expect(job.saving.netUsd).toBeCloseTo(2.549, 10);
    expect(job.saving.readSavingUsd).toBeCloseTo(2.709, 10);
  });

  it('is nothing, with a hit rate of —, when a job has no usage yet', () => {
    const { job } = usageTotals([]);
    expect(job.saving).toEqual(noSaving);
    expect(cacheHitRate(job)).toBeNull();
  });

  it('hit rate: cache read ÷ (input + cache read + cache write)', () => {
    expect(cacheHitRate({ inputTokens: 0, cacheReadTokens: 300, cacheWriteTokens: 100 })).toBe(0.75);
    expect(cacheHitRate({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBeNull();
  });
});

describe('a runner’s figures as counts', () => {
  it('drops negative, fractional and absurd values rather than failing the batch', async () => {
    const { asCount } = await import('./rollups.ts');
    expect(asCount(1200)).toBe(1200);
    expect(asCount(1.6)).toBe(2);
    expect(asCount(-5)).toBe(0);
    expect(asCount(1e300)).toBe(1e12);
    expect(asCount(Number.NaN)).toBe(0);
  });
});
