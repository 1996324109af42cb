// Creating a Ready job: the manual "create a job", status triggers, mentions and review
// retriggers all come through here, inside the transaction of the change that causes
// them. The offer goes out through NOTIFY, which PostgreSQL delivers only on commit.
import { nanoid } from 'nanoid';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { job, jobSnapshotTable } from '../db/schema.ts';
import { jobSnapshot, jobTypes, runnerTag, type JobSnapshot } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import { jobCheckpoint } from '@spedy/protocol/checkpoint';
import type { DbOrTx } from './db.ts';
import { notifyJobReady } from './notices.ts';

export const createJobInput = z.object({
  id: z.string().min(1).max(64).optional(),
  organizationId: z.string().min(1),
  type: z.enum(jobTypes),
  title: z.string().trim().min(1).max(300),
  snapshot: jobSnapshot,
  requiredCapabilities: z.array(runnerTag).max(20).default([]),
  requiredLabels: z.array(runnerTag).max(40).default([]),
  projectId: z.string().nullish(),
  ticketId: z.string().nullish(),
  teamId: z.string().nullish(),
  /**
   * The job this one follows up (a retry, a retry from a stage, a review retrigger, the
   * ticket moved back into the working status): the new job joins that job's root run.
   */
  followUpOf: z.string().min(1).nullish(),
  /** A "Retry from <stage>": the failed job's checkpoint, so this job runs only the remaining stages. */
  checkpoint: jobCheckpoint.nullish(),
  createdBy: z.string().nullish(),
});
export type CreateJobInput = z.input<typeof createJobInput>;
export type JobRow = typeof job.$inferSelect & { snapshot: JobSnapshot };

const oneActivePerTicket = 'job_one_active_per_ticket_idx';

export async function createJob(tx: DbOrTx, input: CreateJobInput): Promise<JobRow> {
  const parsed = createJobInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'job'}: ${i.message}`);
    throw new SpedyError('invalid', `The job is invalid: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  const now = Date.now();
  const id = data.id ?? nanoid();
  const rootJobId = data.followUpOf ? await rootRunOf(tx, data.organizationId, data.followUpOf) : id;
  const row: JobRow = {
    id,
    organizationId: data.organizationId,
    projectId: data.projectId ?? null,
    ticketId: data.ticketId ?? null,
    teamId: data.teamId ?? null,
    rootJobId,
    type: data.type,
    title: data.title,
    status: 'ready',
    statusReason: null,
    requiredCapabilities: [...new Set(data.requiredCapabilities)],
    requiredLabels: [...new Set(data.requiredLabels)],
    snapshot: data.snapshot,
    runnerId: null,
    result: null,
    lastEventSeq: 0,
    createdBy: data.createdBy ?? null,
    createdAt: now,
    updatedAt: now,
    claimedAt: null,
    finishedAt: null,
    diminishingReturnsAt: null,
    checkpoint: data.checkpoint ?? null,
    compactedAt: null,
  };
  try {
    // A savepoint: when the ticket already has an active job, the caller's transaction survives the refusal.
    await tx.transaction(async (sp) => {
      const { snapshot, ...jobRow } = row;
      await sp.insert(job).values(jobRow);
      await sp.insert(jobSnapshotTable).values({ jobId: id, snapshot });
    });
  } catch (error) {
    if (violates(error, oneActivePerTicket)) {
      throw new SpedyError('conflict', 'This ticket already has an active job; stop it or wait until it finishes.');
    }
    throw error;
  }
  await notifyJobReady(tx, { jobId: id, organizationId: data.organizationId });
  return row;
}

/** The root run of `jobId` (its own id for a first run); a job of another organization is not found. */
async function rootRunOf(tx: DbOrTx, organizationId: string, jobId: string): Promise<string> {
  const [previous] = await tx
    .select({ id: job.id, rootJobId: job.rootJobId })
    .from(job)
    .where(and(eq(job.id, jobId), eq(job.organizationId, organizationId)));
  if (!previous) throw new SpedyError('notFound', 'The job this one follows up was not found.');
  return previous.rootJobId ?? previous.id;
}

/** Drizzle wraps the driver's error; the constraint name sits on its cause. */
function violates(error: unknown, constraint: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { constraint?: string }).constraint === constraint) return true;
  }
  return false;
}
