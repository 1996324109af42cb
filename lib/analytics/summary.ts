// The Analytics tab's figures, read from the daily roll-ups (lib/db/analytics-schema.ts) of a
// window of days: a few hundred rows at most, summed here rather than in components.
import { cacheHitRate } from '../jobs/event-feed.ts';
import { noSaving, type CacheSaving } from './cache-saving.ts';

type Tokens = { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
type Saving = { cacheReadSavingUsd: number; cacheWritePremiumUsd: number };
type Priced = { costUsd: number; unpricedUsages: number };
export type JobDay = Tokens & Saving & Priced & { day: string; completed: number; failed: number; errored: number; durationMs: number; turns: number };
export type ModelDay = Tokens & Saving & { day: string; model: string };
export type StageDay = Tokens & Priced & { day: string; stage: string; completed: number; failed: number; durationMs: number; validations: number; validationsPassed: number };
export type CostDay = Tokens & Saving & Priced & { day: string; teamId: string; projectId: string; model: string };

/** As Zero gives the rows: a column with a database default reads as number | null. */
type Synced<T> = { readonly [K in keyof T]: T[K] extends number ? number | null : T[K] };
function zeroed<T extends object>(rows: readonly Synced<T>[]): T[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? 0])) as T);
}

export const periods = [7, 30, 90] as const;
export type Period = (typeof periods)[number];

const sum = <T>(rows: readonly T[], of: (row: T) => number) => rows.reduce((total, row) => total + of(row), 0);
export const totalTokens = (t: Tokens) => t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens;
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function sumTokens(rows: readonly Tokens[]): Tokens {
  return {
    inputTokens: sum(rows, (r) => r.inputTokens),
    outputTokens: sum(rows, (r) => r.outputTokens),
    cacheReadTokens: sum(rows, (r) => r.cacheReadTokens),
    cacheWriteTokens: sum(rows, (r) => r.cacheWriteTokens),
  };
}

function sumSaving(rows: readonly Saving[]): CacheSaving {
  if (rows.length === 0) return noSaving;
  const readSavingUsd = sum(rows, (r) => r.cacheReadSavingUsd);
  const writePremiumUsd = sum(rows, (r) => r.cacheWritePremiumUsd);
  return { readSavingUsd, writePremiumUsd, netUsd: readSavingUsd - writePremiumUsd, unpriced: false };
}

export type Overview = Tokens & {
  jobs: number;
  completed: number;
  failed: number;
  errored: number;
  /** Completed ÷ finished jobs, 0–1; null before any job finished. */
  successRate: number | null;
  costUsd: number;
  costIncomplete: boolean;
  tokens: number;
  averageDurationMs: number | null;
  turns: number;
  cacheHitRate: number | null;
  saving: CacheSaving;
};

export function overview(synced: readonly Synced<JobDay>[]): Overview {
  const days = zeroed<JobDay>(synced);
  const completed = sum(days, (d) => d.completed);
  const failed = sum(days, (d) => d.failed);
  const errored = sum(days, (d) => d.errored);
  const jobs = completed + failed + errored;
  const tokens = sumTokens(days);
  return {
    ...tokens,
    jobs,
    completed,
    failed,
    errored,
    successRate: ratio(completed, jobs),
    costUsd: sum(days, (d) => d.costUsd),
    costIncomplete: days.some((d) => d.unpricedUsages > 0),
    tokens: totalTokens(tokens),
    averageDurationMs: ratio(sum(days, (d) => d.durationMs), jobs),
    turns: sum(days, (d) => d.turns),
    cacheHitRate: cacheHitRate(tokens),
    saving: sumSaving(days),
  };
}

export type DayPoint = { day: string; completed: number; failed: number; costUsd: number; tokens: number; savingUsd: number };

/** One point per day of the window (days without a row are zeros), oldest first. */
export function dailyTrend(window: readonly string[], days: readonly Synced<JobDay>[]): DayPoint[] {
  const byDay = new Map(zeroed<JobDay>(days).map((d) => [d.day, d]));
  return window.map((day) => {
    const d = byDay.get(day);
    return d
      ? { day, completed: d.completed, failed: d.failed + d.errored, costUsd: d.costUsd, tokens: totalTokens(d), savingUsd: d.cacheReadSavingUsd - d.cacheWritePremiumUsd }
      : { day, completed: 0, failed: 0, costUsd: 0, tokens: 0, savingUsd: 0 };
  });
}

export type StageFigures = Tokens & {
  stage: string;
  runs: number;
  averageDurationMs: number | null;
  tokens: number;
  costUsd: number;
  /** Validation runs passed ÷ run, 0–1; null when the stage ran no validation. */
  qualityGatePassRate: number | null;
  validations: number;
};

export function byStage(rows: readonly Synced<StageDay>[]): StageFigures[] {
  return groupBy(zeroed<StageDay>(rows), (r) => r.stage).map(([stage, group]) => {
    const runs = sum(group, (r) => r.completed + r.failed);
    const tokens = sumTokens(group);
    const validations = sum(group, (r) => r.validations);
    return {
      ...tokens,
      stage,
      runs,
      averageDurationMs: ratio(sum(group, (r) => r.durationMs), runs),
      tokens: totalTokens(tokens),
      costUsd: sum(group, (r) => r.costUsd),
      qualityGatePassRate: ratio(sum(group, (r) => r.validationsPassed), validations),
      validations,
    };
  });
}

export type ModelFigures = Tokens & { model: string; tokens: number; cacheHitRate: number | null; saving: CacheSaving };

export function byModel(rows: readonly Synced<ModelDay>[]): ModelFigures[] {
  return groupBy(zeroed<ModelDay>(rows), (r) => r.model)
    .map(([model, group]) => {
      const tokens = sumTokens(group);
      return { ...tokens, model, tokens: totalTokens(tokens), cacheHitRate: cacheHitRate(tokens), saving: sumSaving(group) };
    })
    .sort((a, b) => b.tokens - a.tokens);
}

export type CostLine = Tokens & { key: string; tokens: number; costUsd: number; costIncomplete: boolean; saving: CacheSaving };

/** The cost summary by team, project or model, most expensive first. */
export function costSummary(rows: readonly Synced<CostDay>[], by: 'teamId' | 'projectId' | 'model'): CostLine[] {
  return groupBy(zeroed<CostDay>(rows), (r) => r[by])
    .map(([key, group]) => {
      const tokens = sumTokens(group);
      return { ...tokens, key, tokens: totalTokens(tokens), costUsd: sum(group, (r) => r.costUsd), costIncomplete: group.some((r) => r.unpricedUsages > 0), saving: sumSaving(group) };
    })
    .sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return [...groups.entries()];
}
