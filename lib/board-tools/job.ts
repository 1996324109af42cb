// Which job a board tool acts for: one of the runner's organization, held by that runner
// and still running.
import type { DbOrTx } from '../jobs/db.ts';
import { assertJobNotFinished, findHeldJob, type HeldJob } from '../jobs/held-job.ts';
import { SpedyError } from '@spedy/protocol/errors';

export type BoardJob = HeldJob;

export async function loadBoardJob(tx: DbOrTx, runner: { id: string; organizationId: string }, jobId: string): Promise<BoardJob> {
  const job = await findHeldJob(tx, runner, jobId);
  assertJobNotFinished(job, 'board tools work only while it runs');
  return job;
}

/** The job's own ticket (board tools write only to it). */
export function requireTicket(job: BoardJob): string {
  if (!job.ticketId) throw new SpedyError('notFound', 'This job has no ticket (it was started by hand); there is no ticket to read or change.');
  return job.ticketId;
}
