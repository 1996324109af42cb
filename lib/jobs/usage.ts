// A job's usage totals as stored in job_usage (written by job-usage.ts): tokens, cache read
// and write, cost and turns. The sums are event-feed.ts's (the job page's), so every view
// shows the same figures. No database here: the views import it.
import { readJobEvent } from '@spedy/protocol/job-events';
import { emptyUsage, usageTotals, type JobEventRow, type UsageTotals } from './event-feed.ts';

/** A job's stored totals: the usage figures (the cache saving is the job page's and the roll-ups', priced per model) plus the agent's turns. */
export type JobUsageTotals = Omit<UsageTotals, 'saving'> & { turns: number };

const { saving: _noSaving, ...emptyTotals } = emptyUsage;
export const emptyJobUsage: JobUsageTotals = { ...emptyTotals, turns: 0 };

/** What `events` add to a job's totals (only `usage` and `result` events count). */
export function usageOfEvents(events: readonly JobEventRow[]): JobUsageTotals {
  const { saving: _saving, ...job } = usageTotals(events).job;
  let turns = 0;
  for (const event of events) {
    if (event.type !== 'result') continue;
    turns += readJobEvent('result', event.payload)?.numTurns ?? 0;
  }
  return { ...job, turns };
}

/** A job_usage row as Zero gives it (columns with defaults may read as null; no row before the first usage) → the totals the views format. */
export function jobUsageTotals(row: { readonly [K in keyof JobUsageTotals]?: JobUsageTotals[K] | null } | null | undefined): JobUsageTotals {
  if (!row) return emptyJobUsage;
  return {
    inputTokens: row.inputTokens ?? 0,
    outputTokens: row.outputTokens ?? 0,
    cacheReadTokens: row.cacheReadTokens ?? 0,
    cacheWriteTokens: row.cacheWriteTokens ?? 0,
    costUsd: row.costUsd ?? 0,
    costIncomplete: row.costIncomplete ?? false,
    partial: row.partial ?? false,
    turns: row.turns ?? 0,
  };
}
