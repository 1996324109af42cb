// A job's snapshot (pipeline, budget, repositories as they were when it was created; only the
// budget may change after, by an override: ./budget.ts). It
// lives in secure.job_snapshot, outside Zero's replication (migration 0010): the runner gets
// it with its claim (spedy_claim_jobs), the job page through this read.
import { sql } from 'drizzle-orm';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import type { DbOrTx } from './db.ts';

export async function readJobSnapshot(db: DbOrTx, organizationId: string, jobId: string): Promise<JobSnapshot> {
  const { rows } = await db.execute<{ snapshot: JobSnapshot }>(sql`
    SELECT s.snapshot FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id
    WHERE j.id = ${jobId} AND j.organization_id = ${organizationId}`);
  if (!rows[0]) throw new SpedyError('notFound', 'No such job in this organization.');
  return rows[0].snapshot;
}
