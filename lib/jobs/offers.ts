// Which Ready jobs to offer to which runners (the matching rule, ./matching.ts): first the
// Ready jobs a runner still holds (continued or answered; nobody else is offered them),
// then new work it fits, oldest first, and no more per runner than it has free slots.
// An offer is only a hint; the claim decides.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './db.ts';
import { runnerFitsJob, runnerFreeSlots } from './matching.ts';

/** `jobCreatedAt` in epoch milliseconds (for the dispatch latency metric). */
export type Offer = { runnerId: string; jobId: string; jobCreatedAt: number };

/**
 * Offers for `runnerIds` (Online runners only), held jobs first, then oldest first. With
 * `jobIds`, only those jobs (just became Ready); without, whatever waits (a runner
 * connected or freed a slot).
 */
export async function findOffers(db: DbOrTx, input: { runnerIds: string[]; jobIds?: string[] }): Promise<Offer[]> {
  if (input.runnerIds.length === 0 || input.jobIds?.length === 0) return [];
  const onlyJobs = input.jobIds ? sql`AND j.id = ANY(${sql.param(input.jobIds)}::text[])` : sql``;
  const { rows } = await db.execute<{ runner_id: string; job_id: string; job_created_at: number | string }>(sql`
    SELECT r.id AS runner_id, o.id AS job_id, o.created_at AS job_created_at
    FROM runner r
    CROSS JOIN LATERAL (SELECT ${runnerFreeSlots('r')} AS n) free
    CROSS JOIN LATERAL (
      SELECT c.id, c.created_at, c.held FROM (
        (SELECT j.id, j.created_at, true AS held FROM job j
         WHERE j.status = 'ready' AND j.runner_id = r.id ${onlyJobs}
         ORDER BY j.created_at LIMIT free.n)
        UNION ALL
        (SELECT j.id, j.created_at, false AS held FROM job j
         WHERE j.status = 'ready' AND j.runner_id IS NULL AND ${runnerFitsJob('r', 'j')} ${onlyJobs}
         ORDER BY j.created_at LIMIT free.n)
      ) c
      ORDER BY c.held DESC, c.created_at
      LIMIT free.n
    ) o
    WHERE r.id = ANY(${sql.param(input.runnerIds)}::text[]) AND r.status = 'online'
    ORDER BY o.held DESC, o.created_at`);
  return rows.map((r) => ({ runnerId: r.runner_id, jobId: r.job_id, jobCreatedAt: Number(r.job_created_at) }));
}
