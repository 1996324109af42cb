// A job's usage totals as stored in job_usage (written by job-usage.ts): tokens, cache read
// and write, cost, what the cache saved and turns. The sums are event-feed.ts's (the job page's), so every view
// shows the same figures. No database here: the views import it.
import { readJobEvent } from '@spedy/protocol/job-events';
import { addSaving, type CacheSaving } from '../analytics/cache-saving.ts';
import { emptyUsage, usageTotals, type JobEventRow, type UsageTotals } from './event-feed.ts';

/** A job's stored totals: the usage figures, with what the cache saved (priced per model as usage arrived), and the agent's turns. */
export type JobUsageTotals = UsageTotals & { turns: number };

export const emptyJobUsage: JobUsageTotals = { ...emptyUsage, turns: 0 };

/** What `events` add to a job's totals (only `usage` and `result` events count). */
export function usageOfEvents(events: readonly JobEventRow[]): JobUsageTotals {
  const { job } = usageTotals(events);
  let turns = 0;
  for (const event of events) {
    if (event.type !== 'result') continue;
    turns += readJobEvent('result', event.payload)?.numTurns ?? 0;
  }
  return { ...job, turns };
}

type StoredSaving = { cacheReadSavingUsd: number; cacheWritePremiumUsd: number; savingUnpriced: boolean };
type JobUsageRow = { readonly [K in Exclude<keyof JobUsageTotals, 'saving'>]?: JobUsageTotals[K] | null } & { readonly [K in keyof StoredSaving]?: StoredSaving[K] | null };

/** A job's saving as job_usage stores it (its three columns). */
export function storedSaving(saving: CacheSaving): StoredSaving {
  return { cacheReadSavingUsd: saving.readSavingUsd, cacheWritePremiumUsd: saving.writePremiumUsd, savingUnpriced: saving.unpriced };
}

/** A job_usage row as Zero gives it (columns with defaults may read as null; no row before the first usage) → the totals the views format. */
export function jobUsageTotals(row: JobUsageRow | null | undefined): JobUsageTotals {
  if (!row) return emptyJobUsage;
  const readSavingUsd = row.cacheReadSavingUsd ?? 0;
  const writePremiumUsd = row.cacheWritePremiumUsd ?? 0;
  return {
    inputTokens: row.inputTokens ?? 0,
    outputTokens: row.outputTokens ?? 0,
    cacheReadTokens: row.cacheReadTokens ?? 0,
    cacheWriteTokens: row.cacheWriteTokens ?? 0,
    costUsd: row.costUsd ?? 0,
    costIncomplete: row.costIncomplete ?? false,
    partial: row.partial ?? false,
    turns: row.turns ?? 0,
    saving: { readSavingUsd, writePremiumUsd, netUsd: readSavingUsd - writePremiumUsd, unpriced: row.savingUnpriced ?? false },
  };
}

/** The totals of several jobs (a ticket's runs). */
export function sumJobUsage(a: JobUsageTotals, b: JobUsageTotals): JobUsageTotals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    costUsd: a.costUsd + b.costUsd,
    costIncomplete: a.costIncomplete || b.costIncomplete,
    partial: a.partial || b.partial,
    turns: a.turns + b.turns,
    saving: addSaving(a.saving, b.saving),
  };
}
