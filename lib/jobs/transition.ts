// A runner reports its job's progress: every change goes through the status machine.
import { eq, sql } from 'drizzle-orm';
import { job as jobTable } from '../db/schema.ts';
import { SpedyError } from '@spedy/protocol/errors';
import type { DbOrTx } from './db.ts';
import { notifyJobReady, notifyRunner } from './notices.ts';
import { applyJobOutcomeToTicket } from './ticket-outcome.ts';
import { assertTransition, IllegalTransitionError, isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';

export type StatusReport = { status: JobStatus; reason?: string; result?: Record<string, unknown> };
type OwnedJob = { status: JobStatus; runner_id: string | null };

/**
 * Locks the job and checks that `runnerId` holds it. Another organization's job is "not
 * found", like one that does not exist.
 */
export async function lockRunnerJob(tx: DbOrTx, runner: { id: string; organizationId: string }, jobId: string): Promise<OwnedJob> {
  const { rows } = await tx.execute<OwnedJob>(
    sql`SELECT status, runner_id FROM job WHERE id = ${jobId} AND organization_id = ${runner.organizationId} FOR UPDATE`,
  );
  const job = rows[0];
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  if (job.runner_id !== runner.id) throw new SpedyError('forbidden', 'This job is not held by this runner; claim it first.');
  return job;
}

export async function reportJobStatus(
  db: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  report: StatusReport,
): Promise<{ status: JobStatus }> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    const job = await lockRunnerJob(tx, runner, jobId);
    // A resent report (its answer was lost) is not a transition.
    if (job.status === report.status) return { status: job.status };
    try {
      assertTransition(job.status, report.status);
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw new SpedyError('conflict', error.message);
      throw error;
    }
    const final = isFinalJobStatus(report.status);
    const released = report.status === 'ready';
    await tx.execute(sql`
      UPDATE job SET status = ${report.status}, status_reason = ${report.reason ?? null}, updated_at = ${now},
        finished_at = ${final ? now : null},
        result = COALESCE(${report.result === undefined ? null : JSON.stringify(report.result)}::jsonb, result),
        runner_id = ${released ? null : runner.id}, claimed_at = ${released ? sql`NULL` : sql`claimed_at`}
      WHERE id = ${jobId}`);
    if (final) await applyOutcome(tx, jobId, report.status);
    // Handed back: offered to every matching runner again.
    if (released) await notifyJobReady(tx, { jobId, organizationId: runner.organizationId });
    // A slot of this runner came free: offer it what waits.
    if (final || released) await notifyRunner(tx, { kind: 'capacity', runnerId: runner.id });
    return { status: report.status };
  });
}

/** A finished job shows on its ticket: completion status, or failure status with the AI Failed badge. */
export async function applyOutcome(tx: DbOrTx, jobId: string, status: JobStatus): Promise<void> {
  const [job] = await tx
    .select({ type: jobTable.type, ticketId: jobTable.ticketId, projectId: jobTable.projectId, snapshot: jobTable.snapshot })
    .from(jobTable)
    .where(eq(jobTable.id, jobId));
  if (job) await applyJobOutcomeToTicket(tx, job, status);
}
