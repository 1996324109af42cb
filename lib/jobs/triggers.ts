// The rules that turn board activity into jobs. They run inside the transaction of the
// change that triggers them (a Zero server mutator), so the one-active-job index can
// refuse a second job atomically; offers go out on commit (NOTIFY).
import { and, desc, eq, inArray } from 'drizzle-orm';
import { formatDisplayId } from '../tickets/display-id.ts';
import * as t from '../db/schema.ts';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import { buildJobSnapshot } from '../teams/snapshot.ts';
import { budgetWithTicketLimits } from '../tickets/ai-budget.ts';
import { cancelUnclaimedStoppedJob } from './cancel.ts';
import { createJob, type JobRow } from './create.ts';
import { activeEpicRunOfTicket, epicRunActive } from '../epics/membership.ts';
import { startEpicRun } from '../epics/start.ts';
import type { DbOrTx } from './db.ts';

export type Team = typeof t.runnerTeam.$inferSelect;
export type TicketContext = NonNullable<Awaited<ReturnType<typeof ticketContext>>>;

/** The ticket with its project key, status name and description (null when it is gone). */
export async function ticketContext(tx: DbOrTx, ticketId: string) {
  const [row] = await tx
    .select({ ticket: t.ticket, projectKey: t.project.key, statusName: t.projectStatus.name, description: t.ticketDescription.body })
    .from(t.ticket)
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .innerJoin(t.projectStatus, eq(t.projectStatus.id, t.ticket.statusId))
    .leftJoin(t.ticketDescription, eq(t.ticketDescription.ticketId, t.ticket.id))
    .where(eq(t.ticket.id, ticketId));
  return row ?? null;
}

/** What a job of `team` for the ticket carries (lib/teams/snapshot.ts), with the ticket's own AI budget. */
export async function snapshotFor(tx: DbOrTx, team: Team, context: TicketContext, trigger: JobSnapshot['trigger']) {
  const stages = team.pipeline.steps.flatMap((s) => s.stages);
  const skillIds = [...new Set(stages.flatMap((s) => s.skillIds))];
  const mcpIds = [...new Set(stages.flatMap((s) => s.mcpServerIds))];
  const inProject = (row: { projectId: string | null }) => row.projectId === null || row.projectId === context.ticket.projectId;
  const [allSkills, allMcpServers, repositories] = await Promise.all([
    skillIds.length ? tx.select().from(t.skill).where(inArray(t.skill.id, skillIds)) : [],
    mcpIds.length ? tx.select().from(t.mcpServer).where(inArray(t.mcpServer.id, mcpIds)) : [],
    tx.select().from(t.projectRepository).where(eq(t.projectRepository.projectId, context.ticket.projectId)),
  ]);
  // Project-scoped skills and MCP servers only reach jobs of their own project.
  const skills = allSkills.filter(inProject);
  const mcpServers = allMcpServers.filter(inProject);
  const { ticket } = context;
  const snapshot = buildJobSnapshot({
    team,
    skills,
    mcpServers,
    repositories,
    trigger,
    ticket: {
      id: ticket.id,
      displayId: formatDisplayId(context.projectKey, ticket.number),
      title: ticket.title,
      description: context.description ?? '',
      type: ticket.type,
    },
  });
  // The ticket's own AI budget replaces the team's limits (read in this transaction: it was set before the move).
  return { ...snapshot, budget: budgetWithTicketLimits(snapshot.budget, ticket.aiBudget, team.budget.maxCostCeilingUsd) };
}

async function createUnlessActive(tx: DbOrTx, input: Parameters<typeof createJob>[1]): Promise<JobRow | null> {
  try {
    return await createJob(tx, input);
  } catch (error) {
    // The ticket already has an active job: the move or comment stands, no second job.
    if (error instanceof SpedyError && error.code === 'conflict') return null;
    throw error;
  }
}

/**
 * The team's latest Streaming job for the ticket: moving the ticket back into the working
 * status (after a failure, or for more work after a review) follows it up under its root run.
 */
async function previousRunId(tx: DbOrTx, ticketId: string, teamId: string): Promise<string | null> {
  const [previous] = await tx
    .select({ id: t.job.id })
    .from(t.job)
    .where(and(eq(t.job.ticketId, ticketId), eq(t.job.teamId, teamId), eq(t.job.type, 'streaming')))
    .orderBy(desc(t.job.createdAt))
    .limit(1);
  return previous?.id ?? null;
}

/** A ticket entered a status: if it is the project team's working status, a Streaming job starts. */
export async function jobForStatusChange(tx: DbOrTx, input: { ticketId: string; actorId: string }): Promise<JobRow | null> {
  const context = await ticketContext(tx, input.ticketId);
  if (!context) return null;
  const { ticket } = context;
  const [config] = await tx.select().from(t.projectRunnerConfig).where(eq(t.projectRunnerConfig.projectId, ticket.projectId));
  if (!config?.teamId || config.triggerOnStatus !== 'auto') return null;
  const [settings] = await tx.select().from(t.runnerSettings).where(eq(t.runnerSettings.organizationId, ticket.organizationId));
  if (settings && !settings.autoCreateJobs) return null;
  const [team] = await tx.select().from(t.runnerTeam).where(eq(t.runnerTeam.id, config.teamId));
  if (!team || team.workingStatus !== context.statusName) return null;
  // Part of an active epic run: the orchestrator moves its tickets and dispatches their sub-runs.
  if (await activeEpicRunOfTicket(tx, ticket.id)) return null;
  // An Epic runs as a whole (lib/epics), unless its own "Runner team" field runs it.
  if (ticket.type === 'epic') {
    if (!ticket.runnerTeamId && !(await epicRunActive(tx, ticket.id))) await startEpicRun(tx, { epicTicketId: ticket.id, team, actorId: input.actorId, moveIntoWorking: false });
    return null;
  }
  // Dragging a failed ticket back into the working status clears its badge.
  if (ticket.aiFailed) await tx.update(t.ticket).set({ aiFailed: false }).where(eq(t.ticket.id, ticket.id));
  // A job stopped before any runner claimed it would block the new one forever: it ends here.
  await cancelUnclaimedStoppedJob(tx, { ticketId: ticket.id, userId: input.actorId, statusName: context.statusName });
  return createUnlessActive(tx, {
    organizationId: ticket.organizationId,
    followUpOf: await previousRunId(tx, ticket.id, team.id),
    type: 'streaming',
    title: `${formatDisplayId(context.projectKey, ticket.number)} ${ticket.title}`,
    snapshot: await snapshotFor(tx, team, context, { kind: 'status' }),
    requiredCapabilities: team.requiredCapabilities,
    requiredLabels: team.requiredLabels,
    projectId: ticket.projectId,
    ticketId: ticket.id,
    teamId: team.id,
    createdBy: input.actorId,
  });
}

/** @team mentions in a comment start a Board Interaction job for each mentioned team. */
export async function jobsForMentions(
  tx: DbOrTx,
  input: { ticketId: string; commentId: string; body: string; mentionIds: string[]; actorId: string },
): Promise<JobRow[]> {
  if (input.mentionIds.length === 0) return [];
  const context = await ticketContext(tx, input.ticketId);
  if (!context) return [];
  const teams = await tx
    .select({ team: t.runnerTeam })
    .from(t.handle)
    .innerJoin(t.runnerTeam, eq(t.runnerTeam.id, t.handle.teamId))
    .where(and(inArray(t.handle.id, input.mentionIds), eq(t.handle.organizationId, context.ticket.organizationId)));
  const jobs: JobRow[] = [];
  for (const { team } of teams) {
    const trigger = { kind: 'mention' as const, commentId: input.commentId, commentBody: input.body };
    const job = await createUnlessActive(tx, {
      organizationId: context.ticket.organizationId,
      type: 'board_interaction',
      title: `@${team.handle} on ${formatDisplayId(context.projectKey, context.ticket.number)}`,
      snapshot: await snapshotFor(tx, team, context, trigger),
      requiredCapabilities: team.requiredCapabilities,
      requiredLabels: team.requiredLabels,
      projectId: context.ticket.projectId,
      ticketId: context.ticket.id,
      teamId: team.id,
      createdBy: input.actorId,
    });
    if (job) jobs.push(job);
  }
  return jobs;
}
