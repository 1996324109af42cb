// The Epic Orchestrator's state (migration 0032, lib/epics): one run per Epic and one node per
// descendant ticket, replicated by Zero for the Epic Run Panel.
import { relations } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { EpicNodeStatus, EpicRunPullRequest, EpicRunStatus } from '../epics/status.ts';
import { organization } from './auth-schema.ts';
import { project, ticket } from './board-schema.ts';
import { job } from './runner-schema.ts';
import { runnerTeam } from './team-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });

export const epicRun = pgTable(
  'epic_run',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id')
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    epicTicketId: text('epic_ticket_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    teamId: text('team_id').references(() => runnerTeam.id, { onDelete: 'set null' }),
    /** `epic/<display-id>` in every repository of the project. */
    branch: text('branch').notNull(),
    status: text('status').$type<EpicRunStatus>().notNull(),
    statusReason: text('status_reason'),
    /** Null: no limit (the team has no per-job cost limit). */
    budgetUsd: doublePrecision('budget_usd'),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    /** The job that set the branch to each repository's base branch (a start, a restart). */
    resetJobId: text('reset_job_id').references(() => job.id, { onDelete: 'set null' }),
    /** The Epic's own job: one pull request per repository from the branch to its base. */
    closingJobId: text('closing_job_id').references(() => job.id, { onDelete: 'set null' }),
    pullRequests: jsonb('pull_requests').$type<EpicRunPullRequest[]>().notNull().default([]),
    createdBy: text('created_by'),
    createdAt: doublePrecision('created_at').notNull(),
    updatedAt: doublePrecision('updated_at').notNull(),
  },
  (t) => [uniqueIndex('epic_run_epic_idx').on(t.epicTicketId), index('epic_run_org_idx').on(t.organizationId)],
);

export const epicRunNode = pgTable(
  'epic_run_node',
  {
    runId: text('run_id')
      .notNull()
      .references(() => epicRun.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    organizationId: orgId(),
    status: text('status').$type<EpicNodeStatus>().notNull(),
    /** Its depth in the graph (lib/epics/graph.ts). */
    wave: integer('wave').notNull(),
    /** Ticket ids it waits for. */
    dependsOn: jsonb('depends_on').$type<string[]>().notNull().default([]),
    /** Its latest sub-run. */
    jobId: text('job_id').references(() => job.id, { onDelete: 'set null' }),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    skipReason: text('skip_reason'),
    dispatchedAt: doublePrecision('dispatched_at'),
    finishedAt: doublePrecision('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.ticketId] }), index('epic_run_node_job_idx').on(t.jobId), index('epic_run_node_ticket_idx').on(t.ticketId)],
);

export const epicRunRelations = relations(epicRun, ({ one, many }) => ({
  nodes: many(epicRunNode),
  closingJob: one(job, { fields: [epicRun.closingJobId], references: [job.id] }),
  epic: one(ticket, { fields: [epicRun.epicTicketId], references: [ticket.id] }),
}));

export const epicRunNodeRelations = relations(epicRunNode, ({ one }) => ({
  run: one(epicRun, { fields: [epicRunNode.runId], references: [epicRun.id] }),
  ticket: one(ticket, { fields: [epicRunNode.ticketId], references: [ticket.id] }),
  job: one(job, { fields: [epicRunNode.jobId], references: [job.id] }),
}));
