// A person retries a Failed (or Error) job: a follow-up job with the same snapshot, grouped
// under the job's root run. "Retry from <stage>" copies the failed job's checkpoint too, so
// the new job starts from the last finished step and runs only the remaining stages
// (supervisor/runner/checkpoint.ts). A job of an epic run is retried through the run's own
// controls instead (lib/epics/job-retry.ts), so the run tracks what runs. Written in the caller's
// transaction: the offer goes out on commit, and a refusal writes nothing.
import { sql } from 'drizzle-orm';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { SpedyError } from '@spedy/protocol/errors';
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobSnapshot, JobType } from '@spedy/protocol/wire';
import { retryEpicRunJob } from '../epics/job-retry.ts';
import { createJob, type JobRow } from './create.ts';
import type { DbOrTx } from './db.ts';
import { retryRefusal } from './retry-rules.ts';

export type RetryJobInput = {
  organizationId: string;
  jobId: string;
  /** The new job's id (the browser makes it, to open the new job's page). */
  newJobId?: string;
  fromCheckpoint: boolean;
  userId: string | null;
};

type RetriedRow = {
  id: string;
  type: JobType;
  title: string;
  status: JobStatus;
  project_id: string | null;
  ticket_id: string | null;
  team_id: string | null;
  required_capabilities: string[];
  required_labels: string[];
  checkpoint: JobCheckpoint | null;
  snapshot: JobSnapshot | null;
};

/** The new job, or null for a job of an epic run: the run's next step dispatches the ticket again. */
export async function retryJob(tx: DbOrTx, input: RetryJobInput): Promise<JobRow | null> {
  const { rows } = await tx.execute<RetriedRow>(sql`
    SELECT j.id, j.type, j.title, j.status, j.project_id, j.ticket_id, j.team_id, j.required_capabilities, j.required_labels, j.checkpoint, s.snapshot
    FROM job j LEFT JOIN secure.job_snapshot s ON s.job_id = j.id
    WHERE j.id = ${input.jobId} AND j.organization_id = ${input.organizationId}
    FOR UPDATE OF j`);
  const job = rows[0];
  if (!job?.snapshot) throw new SpedyError('notFound', 'Job not found.');
  const refusal = retryRefusal(job, job.snapshot.pipeline, input.fromCheckpoint);
  if (refusal) throw new SpedyError('invalid', refusal);
  if (job.snapshot.epic) {
    await retryEpicRunJob(tx, { organizationId: input.organizationId, jobId: job.id, ticketId: job.ticket_id, epic: job.snapshot.epic, fromCheckpoint: input.fromCheckpoint, userId: input.userId });
    return null;
  }
  return createJob(tx, {
    id: input.newJobId,
    organizationId: input.organizationId,
    type: job.type,
    title: job.title,
    snapshot: job.snapshot,
    requiredCapabilities: job.required_capabilities,
    requiredLabels: job.required_labels,
    projectId: job.project_id,
    ticketId: job.ticket_id,
    teamId: job.team_id,
    followUpOf: job.id,
    checkpoint: input.fromCheckpoint ? job.checkpoint : null,
    createdBy: input.userId,
  });
}
