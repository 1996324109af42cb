// The board: projects, their status columns, tickets and what hangs off them.
// Every row carries organization_id so one query transform scopes it (zero/permissions.ts).
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { organization, user } from './auth-schema.ts';
import type { TicketAiBudget } from '../tickets/ai-budget.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
// Milliseconds since the epoch: what Zero's clients read and write natively.
const millis = (name: string) => doublePrecision(name).notNull();

export const ticketTypes = ['task', 'story', 'bug', 'epic'] as const;

/** One @handle namespace per organization, shared by members and (later) runner teams. */
export const handle = pgTable(
  'handle',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    handle: text('handle').notNull(),
    userId: text('user_id').references(() => user.id, { onDelete: 'cascade' }),
    teamId: text('team_id'),
  },
  (t) => [uniqueIndex('handle_org_handle_idx').on(t.organizationId, t.handle)],
);

export const project = pgTable(
  'project',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    lastTicketNumber: integer('last_ticket_number').notNull(),
    createdAt: millis('created_at'),
  },
  (t) => [uniqueIndex('project_org_key_idx').on(t.organizationId, t.key)],
);

export const projectStatus = pgTable(
  'project_status',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id')
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: text('position').notNull(),
  },
  (t) => [uniqueIndex('project_status_name_idx').on(t.projectId, t.name), index('project_status_org_idx').on(t.organizationId)],
);

export const ticket = pgTable(
  'ticket',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id')
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    // Assigned by the server mutator from project.last_ticket_number; null until then.
    number: integer('number'),
    title: text('title').notNull(),
    type: text('type', { enum: ticketTypes }).notNull(),
    statusId: text('status_id')
      .notNull()
      .references(() => projectStatus.id),
    rank: text('rank').notNull(),
    parentId: text('parent_id'),
    assigneeId: text('assignee_id').references(() => user.id, { onDelete: 'set null' }),
    creatorId: text('creator_id')
      .notNull()
      .references(() => user.id),
    aiFailed: boolean('ai_failed').notNull(),
    /** The ticket's own AI budget (lib/tickets/ai-budget.ts): its jobs use these limits instead of their team's. Null: the team's. */
    aiBudget: jsonb('ai_budget').$type<TicketAiBudget>(),
    /** An Epic's "Runner team" (lib/epics): null is the project's team. References runner_team in SQL (0032). */
    runnerTeamId: text('runner_team_id'),
    createdAt: millis('created_at'),
    updatedAt: millis('updated_at'),
  },
  (t) => [
    uniqueIndex('ticket_project_number_idx').on(t.projectId, t.number),
    index('ticket_project_status_idx').on(t.projectId, t.statusId),
    index('ticket_org_idx').on(t.organizationId),
    index('ticket_parent_idx').on(t.parentId),
  ],
);

/** Kept apart from `ticket` so the board query never ships descriptions. */
export const ticketDescription = pgTable('ticket_description', {
  ticketId: text('ticket_id')
    .primaryKey()
    .references(() => ticket.id, { onDelete: 'cascade' }),
  organizationId: orgId(),
  body: text('body').notNull(),
});

/** Directed: `blockerId` BLOCKS `blockedId`. */
export const ticketBlock = pgTable(
  'ticket_block',
  {
    blockerId: text('blocker_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    blockedId: text('blocked_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    organizationId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('ticket_block_blocked_idx').on(t.blockedId)],
);

export const label = pgTable(
  'label',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    name: text('name').notNull(),
    color: text('color').notNull(),
  },
  (t) => [uniqueIndex('label_org_name_idx').on(t.organizationId, t.name)],
);

export const ticketLabel = pgTable(
  'ticket_label',
  {
    ticketId: text('ticket_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    labelId: text('label_id')
      .notNull()
      .references(() => label.id, { onDelete: 'cascade' }),
    organizationId: orgId(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.labelId] })],
);

export const comment = pgTable(
  'comment',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => ticket.id, { onDelete: 'cascade' }),
    authorId: text('author_id')
      .notNull()
      .references(() => user.id),
    body: text('body').notNull(),
    // Mentions are stored as handle ids (members now, runner teams later).
    mentions: jsonb('mentions').$type<string[]>().notNull().default([]),
    createdAt: millis('created_at'),
    updatedAt: millis('updated_at'),
  },
  (t) => [index('comment_ticket_idx').on(t.ticketId)],
);
