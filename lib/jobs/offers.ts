// Which Ready jobs to offer to which runners: those the runner fits, and no more per runner
// than it has free slots (the matching rule, ./matching.ts). An offer is only a hint; the
// claim decides.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './db.ts';
import { runnerFitsJob, runnerFreeSlots } from './matching.ts';

/** `jobCreatedAt` in epoch milliseconds (for the dispatch latency metric). */
export type Offer = { runnerId: string; jobId: string; jobCreatedAt: number };

/**
 * Offers for `runnerIds` (Online runners only), oldest job first. With `jobIds`, only those
 * jobs (just became Ready); without, whatever waits (a runner connected or freed a slot).
 */
export async function findOffers(db: DbOrTx, input: { runnerIds: string[]; jobIds?: string[] }): Promise<Offer[]> {
  if (input.runnerIds.length === 0 || input.jobIds?.length === 0) return [];
  const onlyJobs = input.jobIds ? sql`AND j.id = ANY(${sql.param(input.jobIds)}::text[])` : sql``;
  const { rows } = await db.execute<{ runner_id: string; job_id: string; job_created_at: number | string }>(sql`
    SELECT r.id AS runner_id, o.id AS job_id, o.created_at AS job_created_at
    FROM runner r
    CROSS JOIN LATERAL (
      SELECT j.id, j.created_at FROM job j
      WHERE j.status = 'ready' AND ${runnerFitsJob('r', 'j')} ${onlyJobs}
      ORDER BY j.created_at
      LIMIT ${runnerFreeSlots('r')}
    ) o
    WHERE r.id = ANY(${sql.param(input.runnerIds)}::text[]) AND r.status = 'online'
    ORDER BY o.created_at`);
  return rows.map((r) => ({ runnerId: r.runner_id, jobId: r.job_id, jobCreatedAt: Number(r.job_created_at) }));
}
