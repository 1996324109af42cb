// A draining runner's working jobs are handed back, not lost: Ready for any runner that matches
// (lib/jobs/transition.ts releases the runner and offers them). The heartbeat monitor does this
// for a draining runner whose heartbeats stopped, registration for one that came back first.
// Jobs that wait for a person (Stopped, Waiting for Input) stay the runner's.
import { sql } from 'drizzle-orm';
import { drainedRunnerReason } from '@spedy/protocol/hand-back';
import { canHandBack, jobStatuses, type JobStatus } from '@spedy/protocol/job-status';
import type { DbOrTx } from '../jobs/db.ts';
import { transitionJob } from '../jobs/transition.ts';

const handBackStatuses = jobStatuses.filter(canHandBack);

/** Hands back the runner's working jobs in the caller's transaction; returns their ids. */
export async function handBackRunnerJobs(tx: DbOrTx, runner: { id: string; name: string }, now = Date.now()): Promise<string[]> {
  const { rows } = await tx.execute<{ id: string; organization_id: string; status: JobStatus }>(sql`
    SELECT id, organization_id, status FROM job
    WHERE runner_id = ${runner.id} AND status = ANY(${sql.param(handBackStatuses)}::text[])
    ORDER BY created_at
    FOR UPDATE`);
  const reason = drainedRunnerReason(runner.name);
  for (const job of rows) {
    await transitionJob(tx, { id: job.id, organizationId: job.organization_id, runnerId: runner.id, status: job.status }, { to: 'ready', reason }, now);
  }
  return rows.map((job) => job.id);
}
