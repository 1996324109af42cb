// Event retention as a periodic task: finished jobs past their organization's retention are
// compacted (lib/jobs/retention.ts), a batch per run, once across all instances.
import type { DbOrTx } from '../jobs/db.ts';
import { compactExpiredJobs } from '../jobs/retention.ts';
import type { PeriodicTask } from './queue.ts';

/** Retention counts in days: a run every quarter hour keeps up. */
export const eventRetentionPeriodMs = 15 * 60_000;

export function eventRetention(deps: { db: DbOrTx; periodMs?: number; log: (line: string) => void }): PeriodicTask {
  return {
    identifier: 'event-retention',
    periodMs: deps.periodMs ?? eventRetentionPeriodMs,
    async run() {
      const compacted = await compactExpiredJobs(deps.db);
      if (compacted.length > 0) deps.log(`compacted the events of ${compacted.length} finished job(s) past their organization's retention`);
    },
  };
}
