// Every change of a job's status goes through transitionJob, which checks it against the
// status machine (@spedy/protocol/job-status) and writes what the change implies: the
// finish time, the runner handing the job back, the outcome on its ticket, and the notices
// that offer the job or the freed slot again. The one exception is the claim (Ready →
// Claimed), made inside the database by spedy_claim_job (./claim.ts checks that the machine
// allows it).
import { eq, sql } from 'drizzle-orm';
import { job as jobTable, jobSnapshotTable } from '../db/schema.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { assertTransition, IllegalTransitionError, isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';
import type { DbOrTx } from './db.ts';
import { findHeldJob } from './held-job.ts';
import { notifyJobReady, notifyRunner } from './notices.ts';
import { applyJobOutcomeToTicket } from './ticket-outcome.ts';
import { countFinishedJob } from '../analytics/rollups.ts';
import { linkPullRequests } from '../reviews/pull-requests.ts';
import { pullRequestsOf } from './event-feed.ts';
import { epicJobFinished } from '../epics/job-finished.ts';
import { reviewJobFinished } from '../reviews/review-knowledge.ts';

export type StatusReport = { status: JobStatus; reason?: string; result?: Record<string, unknown> };

/** A job as read under its row lock (SELECT … FOR UPDATE in the caller's transaction). */
export type LockedJob = { id: string; organizationId: string; runnerId: string | null; status: JobStatus };

export type StatusChange = {
  to: JobStatus;
  reason: string | null;
  result?: Record<string, unknown>;
  /** The ticket stays as it is (the job is being replaced by a new one in the same transaction). */
  keepTicket?: boolean;
  /** Back to Ready for the runner that holds the job (its folder is there), not for anyone: see ./resume.ts. */
  keepRunner?: boolean;
};

/**
 * Moves a locked job to `change.to`; throws IllegalTransitionError when the machine forbids it.
 * Handing back (→ Ready) releases the runner unless `keepRunner`; a final status sets the finish time and shows
 * on the ticket.
 */
export async function transitionJob(tx: DbOrTx, job: LockedJob, change: StatusChange, now = Date.now()): Promise<void> {
  assertTransition(job.status, change.to);
  const final = isFinalJobStatus(change.to);
  const released = change.to === 'ready' && !change.keepRunner;
  await tx.execute(sql`
    UPDATE job SET status = ${change.to}, status_reason = ${change.reason}, updated_at = ${now},
      finished_at = ${final ? now : null},
      result = COALESCE(${change.result === undefined ? null : JSON.stringify(change.result)}::jsonb, result),
      runner_id = ${released ? sql`NULL` : sql`runner_id`}, claimed_at = ${released ? sql`NULL` : sql`claimed_at`}
    WHERE id = ${job.id}`);
  // The result lists the pull requests the job opened (an event lost on the way is linked here).
  if (change.result) await linkPullRequests(tx, job, pullRequestsOf(change.result));
  if (final && !change.keepTicket) await applyOutcome(tx, job.id, change.to);
  if (final) await countFinishedJob(tx, job.id, change.to, now);
  // A job of an epic run: the run's next step, committed with this end (lib/epics).
  if (final) await epicJobFinished(tx, job.id);
  // A review's retrigger that completed: what the review taught counts as resolved (lib/knowledge).
  if (final) await reviewJobFinished(tx, job, change.to);
  // Handed back: offered to every matching runner again (a held job: to its runner only, ./offers.ts).
  if (change.to === 'ready') await notifyJobReady(tx, { jobId: job.id, organizationId: job.organizationId });
  // A slot of its runner came free: offer it what waits.
  if ((final || released) && job.runnerId) await notifyRunner(tx, { kind: 'capacity', runnerId: job.runnerId });
}

/** Locks a job of the organization for a transition; null when there is none. */
export async function lockJob(tx: DbOrTx, organizationId: string, jobId: string): Promise<LockedJob | null> {
  const { rows } = await tx.execute<{ id: string; organization_id: string; runner_id: string | null; status: JobStatus }>(
    sql`SELECT id, organization_id, runner_id, status FROM job WHERE id = ${jobId} AND organization_id = ${organizationId} FOR UPDATE`,
  );
  const row = rows[0];
  return row ? { id: row.id, organizationId: row.organization_id, runnerId: row.runner_id, status: row.status } : null;
}

/** A runner reports its job's progress (409 when the machine does not allow the change). */
export async function reportJobStatus(
  db: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  report: StatusReport,
): Promise<{ status: JobStatus }> {
  return db.transaction(async (tx) => {
    const job = await findHeldJob(tx, runner, jobId, { lock: true });
    // A resent report (its answer was lost) is not a transition.
    if (job.status === report.status) return { status: job.status };
    try {
      await transitionJob(tx, job, { to: report.status, reason: report.reason ?? null, result: report.result });
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw new SpedyError('conflict', error.message);
      throw error;
    }
    return { status: report.status };
  });
}

/** A finished job shows on its ticket: completion status, or failure status with the AI Failed badge. */
async function applyOutcome(tx: DbOrTx, jobId: string, status: JobStatus): Promise<void> {
  const [job] = await tx
    .select({ type: jobTable.type, ticketId: jobTable.ticketId, projectId: jobTable.projectId, snapshot: jobSnapshotTable.snapshot })
    .from(jobTable)
    .leftJoin(jobSnapshotTable, eq(jobSnapshotTable.jobId, jobTable.id))
    .where(eq(jobTable.id, jobId));
  if (job) await applyJobOutcomeToTicket(tx, job, status);
}
