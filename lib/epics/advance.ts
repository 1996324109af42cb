// One step of an epic run, run as a durable task (./task.ts) whenever one of its jobs ends,
// a person steers it, or the sweep looks: it reads the run under its row lock and brings it
// forward from what the database says. Idempotent, so a step repeated after a killed instance,
// or two at once, dispatch nothing twice: the row lock orders them, and each ticket's one-active-
// job index (lib/jobs/create.ts) would refuse a second job anyway.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { pullRequestsOf } from '../jobs/event-feed.ts';
import type { Team } from '../jobs/triggers.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { createClosingJob, createSubRunJob } from './jobs.ts';
import { lockEpicRun, moveIntoStatus, type EpicRunRow } from './start.ts';
import { isSettledNode, type EpicNodeStatus, type EpicRunStatus } from './status.ts';

type NodeRow = {
  ticketId: string;
  displayId: string;
  status: EpicNodeStatus;
  dependsOn: string[];
  jobId: string | null;
  costUsd: number;
  jobStatus: JobStatus | null;
  jobReason: string | null;
  jobCost: number;
};

export type AdvanceOutcome = { status: EpicRunStatus | null; dispatched: string[] };

const money = (usd: number) => `$${usd.toFixed(2)}`;

export function budgetReachedReason(cost: number, budget: number): string {
  return `Budget reached: ${money(cost)} of ${money(budget)}. Raise the run’s budget to continue.`;
}

export async function advanceEpicRun(db: DbOrTx, runId: string, now = Date.now()): Promise<AdvanceOutcome> {
  return db.transaction(async (tx) => {
    const run = await lockEpicRun(tx, { runId });
    if (!run) return { status: null, dispatched: [] };
    const nodes = await nodesOf(tx, run.id);
    const failed = await settleFinishedSubRuns(tx, run, nodes, now);
    const cost = nodes.reduce((sum, n) => sum + n.costUsd + (n.status === 'running' ? n.jobCost : 0), 0);
    await setRun(tx, run, { costUsd: cost });
    if (run.status !== 'running') return { status: run.status, dispatched: [] };

    const reset = run.resetJobId ? await jobOf(tx, run.resetJobId) : null;
    if (reset && !isFinalJobStatus(reset.status)) return { status: 'running', dispatched: [] };
    if (reset && reset.status !== 'completed') return pause(tx, run, `The epic branch could not be reset: ${(reset.statusReason ?? reset.status).replace(/\.$/, '')}. Restart to try again.`);
    if (failed.length > 0) {
      const first = failed[0]!;
      return pause(tx, run, `${first.displayId} failed${first.jobReason ? `: ${first.jobReason.replace(/\.$/, '')}` : ''}. Retry it or skip it.`);
    }
    if (run.closingJobId) return closing(tx, run);
    if (nodes.every((n) => isSettledNode(n.status))) {
      const team = await teamOf(tx, run);
      const job = await createClosingJob(tx, run, team);
      await setRun(tx, run, { closingJobId: job.id });
      return { status: 'running', dispatched: [run.epicTicketId] };
    }
    if (run.budgetUsd !== null && cost >= run.budgetUsd) return pause(tx, run, budgetReachedReason(cost, run.budgetUsd));

    const dispatched = await dispatchReady(tx, run, nodes, now);
    const active = nodes.some((n) => n.status === 'running') || dispatched.length > 0;
    if (!active) {
      // Nothing runs and nothing can: a ticket waits on one that failed or was cancelled.
      const blocked = nodes.filter((n) => n.status === 'failed' || n.status === 'cancelled').map((n) => n.displayId);
      const waiting = nodes.some((n) => n.status === 'pending' && n.jobStatus !== null && !isFinalJobStatus(n.jobStatus));
      if (!waiting) return pause(tx, run, `Waiting on ${blocked.join(', ') || 'nothing that can run'}: retry or skip ${blocked.length > 1 ? 'them' : 'it'}.`);
    }
    return { status: 'running', dispatched };
  });
}

async function nodesOf(tx: DbOrTx, runId: string): Promise<NodeRow[]> {
  const rows = await tx
    .select({
      node: t.epicRunNode,
      number: t.ticket.number,
      key: t.project.key,
      jobStatus: t.job.status,
      jobReason: t.job.statusReason,
      jobCost: sql<number>`COALESCE(${t.jobUsage.costUsd}, 0)`,
    })
    .from(t.epicRunNode)
    .innerJoin(t.ticket, eq(t.ticket.id, t.epicRunNode.ticketId))
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .leftJoin(t.job, eq(t.job.id, t.epicRunNode.jobId))
    .leftJoin(t.jobUsage, eq(t.jobUsage.jobId, t.epicRunNode.jobId))
    .where(eq(t.epicRunNode.runId, runId))
    .orderBy(t.epicRunNode.wave, t.ticket.number);
  return rows.map((r) => ({
    ticketId: r.node.ticketId,
    displayId: formatDisplayId(r.key, r.number),
    status: r.node.status,
    dependsOn: r.node.dependsOn,
    jobId: r.node.jobId,
    costUsd: r.node.costUsd,
    jobStatus: r.jobStatus,
    jobReason: r.jobReason,
    jobCost: Number(r.jobCost),
  }));
}

/** Running nodes whose sub-run ended take its outcome and its cost; returns the newly failed ones. */
async function settleFinishedSubRuns(tx: DbOrTx, run: EpicRunRow, nodes: NodeRow[], now: number): Promise<NodeRow[]> {
  const failed: NodeRow[] = [];
  for (const node of nodes) {
    if (node.status !== 'running' || (node.jobStatus !== null && !isFinalJobStatus(node.jobStatus))) continue;
    const status: EpicNodeStatus = node.jobStatus === 'completed' ? 'completed' : 'failed';
    node.status = status;
    node.costUsd += node.jobCost;
    if (status === 'failed') failed.push(node);
    await tx
      .update(t.epicRunNode)
      .set({ status, costUsd: node.costUsd, finishedAt: now })
      .where(and(eq(t.epicRunNode.runId, run.id), eq(t.epicRunNode.ticketId, node.ticketId)));
  }
  return failed;
}

/** Every waiting ticket whose dependencies are all done gets its sub-run now. */
async function dispatchReady(tx: DbOrTx, run: EpicRunRow, nodes: NodeRow[], now: number): Promise<string[]> {
  const settled = new Set(nodes.filter((n) => isSettledNode(n.status)).map((n) => n.ticketId));
  const ready = nodes.filter((n) => n.status === 'pending' && n.dependsOn.every((d) => settled.has(d)));
  if (ready.length === 0) return [];
  const team = await teamOf(tx, run);
  const dispatched: string[] = [];
  for (const node of ready) {
    const job = await createSubRunJob(tx, run, team, node.ticketId).catch((error: unknown) => {
      // Its previous sub-run (cancelled) has not ended yet: it goes when that one does (its end advances the run).
      if (error instanceof SpedyError && error.code === 'conflict') return null;
      throw error;
    });
    if (!job) continue;
    await tx
      .update(t.epicRunNode)
      .set({ status: 'running', jobId: job.id, dispatchedAt: now, finishedAt: null })
      .where(and(eq(t.epicRunNode.runId, run.id), eq(t.epicRunNode.ticketId, node.ticketId)));
    const [ticket] = await tx.select({ id: t.ticket.id, projectId: t.ticket.projectId, statusId: t.ticket.statusId }).from(t.ticket).where(eq(t.ticket.id, node.ticketId));
    if (ticket) await moveIntoStatus(tx, ticket, team.workingStatus);
    dispatched.push(node.ticketId);
  }
  return dispatched;
}

/** The closing job delivers the run: Completed with its pull requests (the Epic moves with the job's outcome). */
async function closing(tx: DbOrTx, run: EpicRunRow): Promise<AdvanceOutcome> {
  const job = await jobOf(tx, run.closingJobId!);
  if (!job || !isFinalJobStatus(job.status)) return { status: 'running', dispatched: [] };
  if (job.status === 'completed') {
    await setRun(tx, run, { status: 'completed', statusReason: null, pullRequests: pullRequestsOf(job.result) });
    return { status: 'completed', dispatched: [] };
  }
  await setRun(tx, run, { status: 'failed', statusReason: `The pull requests could not be opened: ${(job.statusReason ?? job.status).replace(/\.$/, '')}. Continue to try again.` });
  return { status: 'failed', dispatched: [] };
}

async function pause(tx: DbOrTx, run: EpicRunRow, reason: string): Promise<AdvanceOutcome> {
  await setRun(tx, run, { status: 'paused', statusReason: reason });
  return { status: 'paused', dispatched: [] };
}

export async function setRun(tx: DbOrTx, run: EpicRunRow, change: Partial<EpicRunRow>): Promise<void> {
  await tx.update(t.epicRun).set({ ...change, updatedAt: Date.now() }).where(eq(t.epicRun.id, run.id));
}

async function jobOf(tx: DbOrTx, jobId: string) {
  const [job] = await tx.select({ status: t.job.status, statusReason: t.job.statusReason, result: t.job.result }).from(t.job).where(eq(t.job.id, jobId));
  return job ?? null;
}

export async function teamOf(tx: DbOrTx, run: EpicRunRow): Promise<Team> {
  const [team] = run.teamId ? await tx.select().from(t.runnerTeam).where(eq(t.runnerTeam.id, run.teamId)) : [];
  if (!team) throw new SpedyError('invalid', 'The runner team of this epic run was deleted: choose another in the Epic’s Runner team field.');
  return team;
}

/** Runs that may move on by themselves (the sweep's list). */
export async function runningEpicRuns(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ id: t.epicRun.id }).from(t.epicRun).where(inArray(t.epicRun.status, ['running']));
  return rows.map((r) => r.id);
}
