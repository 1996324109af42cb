// "This runner holds this job": the one check behind every runner request about a job
// (status reports, events, board tools, MCP credentials). Another organization's job is
// "not found", like one that does not exist.
import { sql } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import { isFinalJobStatus, jobStatusLabels, type JobStatus } from '@spedy/protocol/job-status';
import type { DbOrTx } from './db.ts';

export type HeldJob = {
  id: string;
  organizationId: string;
  runnerId: string;
  type: string;
  status: JobStatus;
  ticketId: string | null;
  projectId: string | null;
  createdBy: string | null;
};

type JobRow = {
  id: string;
  organization_id: string;
  runner_id: string | null;
  type: string;
  status: JobStatus;
  ticket_id: string | null;
  project_id: string | null;
  created_by: string | null;
};

/**
 * The job `runner` holds. With `lock`, the row stays locked until the transaction ends, so
 * its status and runner cannot change meanwhile (status reports and event batches queue).
 */
export async function findHeldJob(
  tx: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  options: { lock?: boolean } = {},
): Promise<HeldJob> {
  const { rows } = await tx.execute<JobRow>(sql`
    SELECT id, organization_id, runner_id, type, status, ticket_id, project_id, created_by
    FROM job WHERE id = ${jobId} AND organization_id = ${runner.organizationId} ${options.lock ? sql`FOR UPDATE` : sql``}`);
  const job = rows[0];
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  if (job.runner_id !== runner.id) throw new SpedyError('forbidden', 'This job is not held by this runner; claim it first.');
  return {
    id: job.id,
    organizationId: job.organization_id,
    runnerId: job.runner_id,
    type: job.type,
    status: job.status,
    ticketId: job.ticket_id,
    projectId: job.project_id,
    createdBy: job.created_by,
  };
}

/** Refuses what a runner may ask for only while its job is not over; `refused` says what (e.g. "board tools work only while it runs"). */
export function assertJobNotFinished(job: HeldJob, refused: string): void {
  if (isFinalJobStatus(job.status)) throw new SpedyError('conflict', `The job is ${jobStatusLabels[job.status]}; ${refused}.`);
}
