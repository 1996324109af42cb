import { describe, expect, it } from 'vitest';
import { byModel, byStage, costSummary, dailyTrend, overview, type CostDay, type JobDay, type StageDay } from './summary.ts';

const tokens = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const jobDay = (day: string, patch: Partial<JobDay>): JobDay => ({
  day, completed: 0, failed: 0, errored: 0, durationMs: 0, turns: 0, ...tokens, costUsd: 0, unpricedUsages: 0, cacheReadSavingUsd: 0, cacheWritePremiumUsd: 0, ...patch,
});

describe('analytics figures from the roll-ups', () => {
  it('overview: jobs, success rate, cost, tokens, average duration, hit rate and saving', () => {
    const o = overview([
      jobDay('2026-03-01', { completed: 2, failed: 1, durationMs: 90_000, inputTokens: 100, outputTokens: 50, cacheReadTokens: 300, cacheWriteTokens: 100, costUsd: 1.5, cacheReadSavingUsd: 0.4, cacheWritePremiumUsd: 0.1, turns: 7 }),
      jobDay('2026-03-02', { errored: 1, durationMs: 30_000, costUsd: 0.25, unpricedUsages: 1 }),
    ]);
    expect(o).toMatchObject({ jobs: 4, completed: 2, failed: 1, errored: 1, successRate: 0.5, tokens: 550, averageDurationMs: 30_000, turns: 7, costUsd: 1.75, costIncomplete: true });
    expect(o.cacheHitRate).toBe(0.6); // 300 ÷ (100 + 300 + 100)
    expect(o.saving.netUsd).toBeCloseTo(0.3, 10);
  });

  it('reads a column Zero has not filled (null) as 0', () => {
    const synced = { ...jobDay('2026-03-01', { completed: 1 }), failed: null, costUsd: null };
    expect(overview([synced])).toMatchObject({ jobs: 1, successRate: 1, costUsd: 0 });
  });

  it('overview of nothing: no rates, no averages (shown as —)', () => {
    expect(overview([])).toMatchObject({ jobs: 0, successRate: null, averageDurationMs: null, cacheHitRate: null, costUsd: 0 });
  });

  it('daily trend: a point for each day of the window, zeros where nothing happened', () => {
    const trend = dailyTrend(['2026-03-01', '2026-03-02'], [jobDay('2026-03-02', { completed: 1, errored: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.2 })]);
    expect(trend).toEqual([
      { day: '2026-03-01', completed: 0, failed: 0, costUsd: 0, tokens: 0, savingUsd: 0 },
      { day: '2026-03-02', completed: 1, failed: 1, costUsd: 0.2, tokens: 15, savingUsd: 0 },
    ]);
  });

  it('per stage: average duration, tokens and quality-gate pass rate', () => {
    const stage = (day: string, name: string, patch: Partial<StageDay>): StageDay => ({ day, stage: name, completed: 0, failed: 0, durationMs: 0, ...tokens, costUsd: 0, unpricedUsages: 0, validations: 0, validationsPassed: 0, ...patch });
    const [plan, implement] = byStage([
      stage('2026-03-01', 'Plan', { completed: 1, durationMs: 4000, inputTokens: 10 }),
      stage('2026-03-01', 'Implement', { completed: 1, failed: 1, durationMs: 10_000, validations: 3, validationsPassed: 1, outputTokens: 7 }),
      stage('2026-03-02', 'Implement', { completed: 1, durationMs: 5000, validations: 1, validationsPassed: 1 }),
    ]);
    expect(plan).toMatchObject({ stage: 'Plan', runs: 1, averageDurationMs: 4000, tokens: 10, qualityGatePassRate: null });
    expect(implement).toMatchObject({ stage: 'Implement', runs: 3, averageDurationMs: 5000, tokens: 7, qualityGatePassRate: 0.5, validations: 4 });
  });

  it('per model and the cost summary, largest first', () => {
    const models = byModel([
      { day: 'd1', model: 'claude-haiku-4-5', ...tokens, inputTokens: 5, cacheReadSavingUsd: 0, cacheWritePremiumUsd: 0.01 },
      { day: 'd1', model: 'claude-sonnet-4-6', ...tokens, inputTokens: 50, cacheReadTokens: 50, cacheReadSavingUsd: 2.7, cacheWritePremiumUsd: 0 },
      { day: 'd2', model: 'claude-haiku-4-5', ...tokens, inputTokens: 5 },
    ].map((r) => ({ cacheReadSavingUsd: 0, cacheWritePremiumUsd: 0, ...r })));
    expect(models.map((m) => [m.model, m.tokens, m.cacheHitRate])).toEqual([
      ['claude-sonnet-4-6', 100, 0.5],
      ['claude-haiku-4-5', 10, 0],
    ]);
    expect(models[1].saving.netUsd).toBeCloseTo(-0.01, 10);

    const cost = (teamId: string, model: string, costUsd: number): CostDay => ({ day: 'd1', teamId, projectId: 'p1', model, ...tokens, costUsd, unpricedUsages: 0, cacheReadSavingUsd: 0, cacheWritePremiumUsd: 0 });
    const teams = costSummary([cost('t1', 'claude-haiku-4-5', 1), cost('t2', 'claude-haiku-4-5', 3), cost('t1', 'claude-sonnet-4-6', 0.5)], 'teamId');
    expect(teams.map((t) => [t.key, t.costUsd])).toEqual([
      ['t2', 3],
      ['t1', 1.5],
    ]);
  });
});
