// A person ends a job for good (Cancel, or "End the job" where it waits). A job no runner
// holds fails at once; one whose runner is online gets a cancel control (the runner
// interrupts the agent, waits a grace period, then kills the container) and reports Failed
// itself; one whose runner is offline fails at once, and the runner drops it when its next
// heartbeat learns the job is over. Like any failure, the ticket gets the team's failure
// status and the AI Failed badge.
import { sql } from 'drizzle-orm';
import { isBudgetReachedReason } from '@spedy/protocol/budget';
import { SpedyError } from '@spedy/protocol/errors';
import { isFinalJobStatus, jobStatusLabels } from '@spedy/protocol/job-status';
import { sendJobControl } from './control.ts';
import type { DbOrTx } from './db.ts';
import { lockJob, transitionJob, type LockedJob } from './transition.ts';

export type CancelOutcome = { status: 'failed' } | { status: 'cancelling'; runnerId: string };

/** "Cancelled by <the person's name>." */
export async function cancelledBy(tx: DbOrTx, userId: string): Promise<string> {
  const { rows } = await tx.execute<{ name: string | null; email: string | null }>(sql`SELECT name, email FROM "user" WHERE id = ${userId}`);
  const person = rows[0]?.name?.trim() || rows[0]?.email || 'a user';
  return `Cancelled by ${person}.`;
}

export async function cancelJob(tx: DbOrTx, input: { organizationId: string; jobId: string; userId: string }): Promise<CancelOutcome> {
  const job = await lockJob(tx, input.organizationId, input.jobId);
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  if (isFinalJobStatus(job.status)) throw new SpedyError('invalid', `The job is already ${jobStatusLabels[job.status]}; there is nothing to cancel.`);
  // "End the job" at a budget cap: Failed with the reason it waited with ("Budget reached: $4.02 of $4.00").
  const reason = (await budgetCapReason(tx, job)) ?? (await cancelledBy(tx, input.userId));
  if (job.runnerId && (await runnerOnline(tx, job.runnerId))) {
    await sendJobControl(tx, { organizationId: job.organizationId, jobId: job.id, action: 'cancel', text: reason });
    return { status: 'cancelling', runnerId: job.runnerId };
  }
  await transitionJob(tx, job, { to: 'failed', reason });
  return { status: 'failed' };
}

/**
 * The ticket of a job stopped before any runner claimed it is moved into the working status
 * again: that job ends (its ticket stays where the person put it) so a new one can start,
 * in the same transaction. Returns whether one was cancelled.
 */
export async function cancelUnclaimedStoppedJob(tx: DbOrTx, input: { ticketId: string; userId: string; statusName: string }): Promise<boolean> {
  const { rows } = await tx.execute<{ id: string; organization_id: string }>(sql`
    SELECT id, organization_id FROM job WHERE ticket_id = ${input.ticketId} AND status = 'stopped' AND runner_id IS NULL FOR UPDATE`);
  const row = rows[0];
  if (!row) return false;
  const job: LockedJob = { id: row.id, organizationId: row.organization_id, runnerId: null, status: 'stopped' };
  const reason = `${(await cancelledBy(tx, input.userId)).slice(0, -1)}: the ticket was moved into ${input.statusName} again.`;
  await transitionJob(tx, job, { to: 'failed', reason, keepTicket: true });
  return true;
}

async function budgetCapReason(tx: DbOrTx, job: LockedJob): Promise<string | null> {
  if (job.status !== 'waiting_for_input') return null;
  const { rows } = await tx.execute<{ status_reason: string | null }>(sql`SELECT status_reason FROM job WHERE id = ${job.id}`);
  const reason = rows[0]?.status_reason ?? null;
  return isBudgetReachedReason(reason) ? reason : null;
}

async function runnerOnline(tx: DbOrTx, runnerId: string): Promise<boolean> {
  const { rows } = await tx.execute<{ status: string }>(sql`SELECT status FROM runner WHERE id = ${runnerId}`);
  return rows[0]?.status === 'online';
}
