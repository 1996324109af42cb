// Starting an Epic's run (a team chosen in its "Runner team" field, or the Epic moved into the
// project team's working status) and restarting it: the graph resolved, the run row and its
// nodes written, and the reset job that puts the epic branch on each repository's base branch,
// all in the caller's transaction. The first sub-runs go once the reset completes (./advance.ts).
import { and, eq, inArray } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import type { Team } from '../jobs/triggers.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { moveTicket } from '../tickets/move.ts';
import type { EpicGraph } from './graph.ts';
import { createResetJob } from './jobs.ts';
import { resolveEpicGraph } from './resolve.ts';
import { epicBranch, isActiveEpicRun, type EpicRunStatus } from './status.ts';

export type EpicRunRow = typeof t.epicRun.$inferSelect;

/** The team that runs the Epic: its own "Runner team", else the project's (Build & Validate). */
export async function teamForEpic(tx: DbOrTx, epic: { projectId: string; runnerTeamId: string | null }): Promise<Team> {
  let teamId = epic.runnerTeamId;
  if (!teamId) {
    const [config] = await tx.select({ teamId: t.projectRunnerConfig.teamId }).from(t.projectRunnerConfig).where(eq(t.projectRunnerConfig.projectId, epic.projectId));
    teamId = config?.teamId ?? null;
  }
  const [team] = teamId ? await tx.select().from(t.runnerTeam).where(eq(t.runnerTeam.id, teamId)) : [];
  if (!team) throw new SpedyError('invalid', 'No runner team works this project: choose one in the Epic’s Runner team field or in Build & Validate.');
  return team;
}

/** Why `team` cannot run an Epic of the project (a status of the team is not one of its columns), or null. */
export async function teamColumnsProblem(tx: DbOrTx, team: Team, projectId: string): Promise<string | null> {
  const wanted = [team.workingStatus, team.completionStatus, team.failureStatus];
  const columns = await tx.select({ name: t.projectStatus.name }).from(t.projectStatus).where(and(eq(t.projectStatus.projectId, projectId), inArray(t.projectStatus.name, wanted)));
  const missing = wanted.find((name) => !columns.some((c) => c.name === name));
  return missing ? `The runner team ${team.name} moves tickets into “${missing}”, which is not a column of this project: add the column or choose another team.` : null;
}

async function lockedEpic(tx: DbOrTx, epicTicketId: string) {
  const [epic] = await tx
    .select({ ticket: t.ticket, key: t.project.key })
    .from(t.ticket)
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .where(eq(t.ticket.id, epicTicketId))
    .for('update', { of: t.ticket });
  if (!epic) throw new SpedyError('notFound', 'Ticket not found.');
  if (epic.ticket.type !== 'epic') throw new SpedyError('invalid', 'Only an Epic runs as a whole.');
  return epic;
}

/** The Epic's run under its row lock (every change to a run takes it), or null. */
export async function lockEpicRun(tx: DbOrTx, where: { runId: string } | { epicTicketId: string }): Promise<EpicRunRow | null> {
  const condition = 'runId' in where ? eq(t.epicRun.id, where.runId) : eq(t.epicRun.epicTicketId, where.epicTicketId);
  const [run] = await tx.select().from(t.epicRun).where(condition).for('update');
  return run ?? null;
}

/** Starts a run of the Epic with `team` (its graph must hold). Refused while one is active. */
export async function startEpicRun(tx: DbOrTx, input: { epicTicketId: string; team: Team; actorId: string; moveIntoWorking: boolean }): Promise<EpicRunRow> {
  const epic = await lockedEpic(tx, input.epicTicketId);
  const problem = await teamColumnsProblem(tx, input.team, epic.ticket.projectId);
  if (problem) throw new SpedyError('invalid', problem);
  const existing = await lockEpicRun(tx, { epicTicketId: epic.ticket.id });
  if (existing && isActiveEpicRun(existing.status)) throw new SpedyError('conflict', 'This Epic’s run is still active: continue, restart or cancel it in the Epic Run Panel.');
  const graph = await graphOrRefusal(tx, epic.ticket, input.team.completionStatus);
  const run = await writeRun(tx, existing, {
    organizationId: epic.ticket.organizationId,
    projectId: epic.ticket.projectId,
    epicTicketId: epic.ticket.id,
    branch: epicBranch(formatDisplayId(epic.key, epic.ticket.number)),
    team: input.team,
    createdBy: input.actorId,
    graph,
  });
  if (input.moveIntoWorking) await moveIntoStatus(tx, epic.ticket, input.team.workingStatus);
  return run;
}

/** Restart: the same team, every ticket again (completed ones too), the branch reset first. */
export async function restartEpicRun(tx: DbOrTx, run: EpicRunRow, team: Team): Promise<EpicRunRow> {
  const epic = await lockedEpic(tx, run.epicTicketId);
  const graph = await graphOrRefusal(tx, epic.ticket, null);
  return writeRun(tx, run, { ...run, team, graph });
}

async function graphOrRefusal(tx: DbOrTx, epic: { id: string; projectId: string }, completionStatus: string | null): Promise<EpicGraph> {
  const result = await resolveEpicGraph(tx, epic, completionStatus);
  if (!result.ok) throw new SpedyError('invalid', result.problem);
  if (result.graph.nodes.length === 0) throw new SpedyError('invalid', 'This Epic has no subtickets or stories to run: add some first.');
  return result.graph;
}

type NewRun = {
  organizationId: string;
  projectId: string;
  epicTicketId: string;
  branch: string;
  team: Team;
  createdBy: string | null;
  graph: EpicGraph;
};

/** The run row (reused: one per Epic), its nodes replaced, and the reset job. */
async function writeRun(tx: DbOrTx, existing: EpicRunRow | null, run: NewRun): Promise<EpicRunRow> {
  const now = Date.now();
  const perJob = run.team.budget.maxCostUsd;
  const row: EpicRunRow = {
    id: existing?.id ?? nanoid(),
    organizationId: run.organizationId,
    projectId: run.projectId,
    epicTicketId: run.epicTicketId,
    teamId: run.team.id,
    branch: run.branch,
    status: 'running' satisfies EpicRunStatus,
    statusReason: null,
    budgetUsd: perJob == null ? null : perJob * run.graph.nodes.length,
    costUsd: 0,
    resetJobId: null,
    closingJobId: null,
    pullRequests: [],
    createdBy: run.createdBy,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) {
    await tx.delete(t.epicRunNode).where(eq(t.epicRunNode.runId, existing.id));
    await tx.update(t.epicRun).set(row).where(eq(t.epicRun.id, existing.id));
  } else {
    await tx.insert(t.epicRun).values(row);
  }
  await tx.insert(t.epicRunNode).values(
    run.graph.nodes.map((n) => ({
      runId: row.id,
      ticketId: n.ticketId,
      organizationId: run.organizationId,
      status: n.completed ? ('completed' as const) : ('pending' as const),
      wave: n.wave,
      dependsOn: n.dependsOn,
    })),
  );
  const reset = await createResetJob(tx, row, run.team);
  await tx.update(t.epicRun).set({ resetJobId: reset.id }).where(eq(t.epicRun.id, row.id));
  return { ...row, resetJobId: reset.id };
}

/** The orchestrator moves tickets itself: never through a status trigger. */
export async function moveIntoStatus(tx: DbOrTx, ticket: { id: string; projectId: string; statusId: string }, statusName: string): Promise<void> {
  const [column] = await tx.select({ id: t.projectStatus.id }).from(t.projectStatus).where(and(eq(t.projectStatus.projectId, ticket.projectId), eq(t.projectStatus.name, statusName)));
  if (column && column.id !== ticket.statusId) await moveTicket(tx, { ticketId: ticket.id, statusId: column.id }, { trigger: false });
}
