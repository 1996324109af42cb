// Which job a board tool acts for: one of the runner's organization, held by that runner
// and still running. Another organization's job is "not found", like one that does not exist.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { isFinalJobStatus, jobStatusLabels, type JobStatus } from '@spedy/protocol/job-status';
import { SpedyError } from '@spedy/protocol/errors';

export type BoardJob = {
  id: string;
  organizationId: string;
  ticketId: string | null;
  projectId: string | null;
  createdBy: string | null;
  status: JobStatus;
};

export async function loadBoardJob(tx: DbOrTx, runner: { id: string; organizationId: string }, jobId: string): Promise<BoardJob> {
  const { rows } = await tx.execute<{ id: string; organization_id: string; ticket_id: string | null; project_id: string | null; created_by: string | null; status: JobStatus; runner_id: string | null }>(
    sql`SELECT id, organization_id, ticket_id, project_id, created_by, status, runner_id FROM job WHERE id = ${jobId} AND organization_id = ${runner.organizationId}`,
  );
  const job = rows[0];
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  if (job.runner_id !== runner.id) throw new SpedyError('forbidden', 'This job is not held by this runner; claim it first.');
  if (isFinalJobStatus(job.status)) {
    throw new SpedyError('conflict', `The job is ${jobStatusLabels[job.status]}; board tools work only while it runs.`);
  }
  return { id: job.id, organizationId: job.organization_id, ticketId: job.ticket_id, projectId: job.project_id, createdBy: job.created_by, status: job.status };
}

/** The job's own ticket (board tools write only to it). */
export function requireTicket(job: BoardJob): string {
  if (!job.ticketId) throw new SpedyError('notFound', 'This job has no ticket (it was started by hand); there is no ticket to read or change.');
  return job.ticketId;
}
