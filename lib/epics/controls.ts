// What a person does to an epic run from its panel (Zero mutators in zero/mutators/epic-run.ts
// check `jobs:steer` first): each change under the run's row lock, with its next step enqueued
// in the same transaction.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import { cancelJob, cancelledBy } from '../jobs/cancel.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { setRun, teamOf } from './advance.ts';
import { dependantsOf } from './graph.ts';
import { enqueueEpicRunStep } from './job-finished.ts';
import { resolveEpicGraph } from './resolve.ts';
import { lockEpicRun, restartEpicRun, type EpicRunRow } from './start.ts';
import { epicRunStatusLabels, isSettledNode, mayContinue, type EpicNodeStatus } from './status.ts';

type Actor = { organizationId: string; runId: string; userId: string };

async function lockedRunOf(tx: DbOrTx, actor: Actor): Promise<EpicRunRow> {
  const run = await lockEpicRun(tx, { runId: actor.runId });
  if (!run || run.organizationId !== actor.organizationId) throw new SpedyError('notFound', 'Epic run not found.');
  return run;
}

async function nodesOf(tx: DbOrTx, runId: string) {
  return tx.select().from(t.epicRunNode).where(eq(t.epicRunNode.runId, runId));
}

async function setNodes(tx: DbOrTx, runId: string, ticketIds: string[], change: Partial<typeof t.epicRunNode.$inferInsert>) {
  if (ticketIds.length === 0) return;
  await tx.update(t.epicRunNode).set(change).where(and(eq(t.epicRunNode.runId, runId), inArray(t.epicRunNode.ticketId, ticketIds)));
}

async function resume(tx: DbOrTx, run: EpicRunRow): Promise<void> {
  await setRun(tx, run, { status: 'running', statusReason: null });
  await enqueueEpicRunStep(tx, run.id);
}

/** The failed ticket gets a new sub-run; the run goes on unless another ticket still failed. */
export async function retryEpicTicket(tx: DbOrTx, actor: Actor & { ticketId: string }): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  const nodes = await nodesOf(tx, run.id);
  const node = nodes.find((n) => n.ticketId === actor.ticketId);
  if (!node || (node.status !== 'failed' && node.status !== 'cancelled')) throw new SpedyError('invalid', 'Only a failed or cancelled ticket of the run can be retried.');
  await setNodes(tx, run.id, [node.ticketId], { status: 'pending', skipReason: null });
  const stillFailed = nodes.some((n) => n.ticketId !== node.ticketId && n.status === 'failed');
  if (run.status === 'paused' && !stillFailed) await resume(tx, run);
  else await enqueueEpicRunStep(tx, run.id);
}

/** The ticket and everything that depends on it are skipped, each saying why; the rest goes on. */
export async function skipEpicTicket(tx: DbOrTx, actor: Actor & { ticketId: string }): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  const nodes = await nodesOf(tx, run.id);
  const node = nodes.find((n) => n.ticketId === actor.ticketId);
  if (!node || !(['failed', 'pending', 'cancelled'] as EpicNodeStatus[]).includes(node.status)) {
    throw new SpedyError('invalid', 'Only a failed, cancelled or waiting ticket of the run can be skipped.');
  }
  const name = await displayIdOf(tx, node.ticketId);
  await setNodes(tx, run.id, [node.ticketId], { status: 'skipped', skipReason: `Skipped by ${await personName(tx, actor.userId)}.` });
  const dependants = dependantsOf(node.ticketId, nodes).filter((id) => !isSettledNode(nodes.find((n) => n.ticketId === id)!.status));
  await setNodes(tx, run.id, dependants, { status: 'skipped', skipReason: `Depends on ${name}, which was skipped.` });
  const stillFailed = nodes.some((n) => n.ticketId !== node.ticketId && !dependants.includes(n.ticketId) && n.status === 'failed');
  if (run.status === 'paused' && !stillFailed) await resume(tx, run);
  else await enqueueEpicRunStep(tx, run.id);
}

/** Cancelled: nothing new starts and every active sub-run is cancelled (lib/jobs/cancel.ts). */
export async function cancelEpicRun(tx: DbOrTx, actor: Actor): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  if (run.status !== 'running' && run.status !== 'paused') throw new SpedyError('invalid', `The run is ${epicRunStatusLabels[run.status]}; there is nothing to cancel.`);
  await cancelActiveJobs(tx, run, actor);
  await setRun(tx, run, { status: 'cancelled', statusReason: await cancelledBy(tx, actor.userId) });
}

/**
 * Cancels the run's jobs still going and marks their tickets Cancelled; returns the sub-runs
 * cancelled by ticket. One that already ended is left for the run's next step to settle.
 */
async function cancelActiveJobs(tx: DbOrTx, run: EpicRunRow, actor: Actor): Promise<Map<string, string>> {
  const nodes = await nodesOf(tx, run.id);
  const jobIds = [run.resetJobId, run.closingJobId, ...nodes.map((n) => n.jobId)].filter((id): id is string => id !== null);
  const jobs = jobIds.length ? await tx.select({ id: t.job.id, status: t.job.status }).from(t.job).where(inArray(t.job.id, jobIds)) : [];
  const active = new Set(jobs.filter((j) => !isFinalJobStatus(j.status as JobStatus)).map((j) => j.id));
  for (const jobId of active) await cancelJob(tx, { organizationId: run.organizationId, jobId, userId: actor.userId });
  const cancelled = nodes.filter((n) => n.status === 'running' && n.jobId && active.has(n.jobId));
  await setNodes(tx, run.id, cancelled.map((n) => n.ticketId), { status: 'cancelled' });
  return new Map(cancelled.map((n) => [n.ticketId, n.jobId!]));
}

/**
 * Continue a paused, cancelled or failed run: failed and cancelled tickets again, and subtickets
 * added since join (the graph is resolved afresh; completed and skipped tickets stay so).
 */
export async function continueEpicRun(tx: DbOrTx, actor: Actor): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  if (!mayContinue(run.status)) throw new SpedyError('invalid', `The run is ${epicRunStatusLabels[run.status]}; only a paused, cancelled or failed run continues.`);
  const team = await teamOf(tx, run);
  const [epic] = await tx.select({ id: t.ticket.id, projectId: t.ticket.projectId }).from(t.ticket).where(eq(t.ticket.id, run.epicTicketId));
  if (!epic) throw new SpedyError('notFound', 'Ticket not found.');
  const result = await resolveEpicGraph(tx, epic, team.completionStatus);
  if (!result.ok) throw new SpedyError('invalid', result.problem);
  const nodes = new Map((await nodesOf(tx, run.id)).map((n) => [n.ticketId, n]));
  for (const g of result.graph.nodes) {
    const node = nodes.get(g.ticketId);
    if (!node) {
      await tx.insert(t.epicRunNode).values({ runId: run.id, ticketId: g.ticketId, organizationId: run.organizationId, status: g.completed ? 'completed' : 'pending', wave: g.wave, dependsOn: g.dependsOn });
      continue;
    }
    const unfinished = node.status === 'failed' || node.status === 'cancelled';
    await setNodes(tx, run.id, [g.ticketId], { wave: g.wave, dependsOn: g.dependsOn, ...(unfinished && { status: 'pending', skipReason: null }) });
  }
  // Tickets no longer under the Epic leave the run.
  const gone = [...nodes.keys()].filter((id) => !result.graph.nodes.some((g) => g.ticketId === id) && nodes.get(id)!.status !== 'running');
  if (gone.length) await tx.delete(t.epicRunNode).where(and(eq(t.epicRunNode.runId, run.id), inArray(t.epicRunNode.ticketId, gone)));
  if (run.status === 'failed') await setRun(tx, run, { closingJobId: null });
  await resume(tx, run);
}

/** Restart (confirmed in the panel): active sub-runs cancelled, every ticket again from the base branch. */
export async function restartEpicRunBy(tx: DbOrTx, actor: Actor): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  const cancelled = await cancelActiveJobs(tx, run, actor);
  await restartEpicRun(tx, run, await teamOf(tx, run));
  // A ticket's new sub-run waits for its cancelled one to end; that end finds the node by its job and steps the run.
  for (const [ticketId, jobId] of cancelled) await setNodes(tx, run.id, [ticketId], { jobId });
}

/** A new budget for the run; a run paused at its budget goes on when the new one is above its cost. */
export async function setEpicRunBudget(tx: DbOrTx, actor: Actor & { budgetUsd: number }): Promise<void> {
  const run = await lockedRunOf(tx, actor);
  if (actor.budgetUsd <= run.costUsd) throw new SpedyError('invalid', `The run has cost $${run.costUsd.toFixed(2)} already: set a budget above that.`);
  await setRun(tx, run, { budgetUsd: actor.budgetUsd });
  const { rows } = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM epic_run_node WHERE run_id = ${run.id} AND status = 'failed'`);
  if (run.status === 'paused' && Number(rows[0]?.n) === 0) await resume(tx, run);
}

async function personName(tx: DbOrTx, userId: string): Promise<string> {
  const [person] = await tx.select({ name: t.user.name, email: t.user.email }).from(t.user).where(eq(t.user.id, userId));
  return person?.name?.trim() || person?.email || 'a user';
}

async function displayIdOf(tx: DbOrTx, ticketId: string): Promise<string> {
  const [row] = await tx.select({ number: t.ticket.number, key: t.project.key }).from(t.ticket).innerJoin(t.project, eq(t.project.id, t.ticket.projectId)).where(eq(t.ticket.id, ticketId));
  return row ? formatDisplayId(row.key, row.number) : 'a ticket';
}
