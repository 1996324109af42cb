// A job steered by its team (migration 0026): each person's action on it, and who has its
// page open. Both replicated by Zero; both die with the job.
import { relations } from 'drizzle-orm';
import { doublePrecision, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { JobActionKind } from '../jobs/job-actions.ts';
import { organization, user } from './auth-schema.ts';
import { job } from './runner-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const jobId = () =>
  text('job_id')
    .notNull()
    .references(() => job.id, { onDelete: 'cascade' });

/** A person's action on a job, merged into its feed by time (lib/jobs/event-feed.ts withJobActions). */
export const jobAction = pgTable(
  'job_action',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    jobId: jobId(),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    action: text('action').$type<JobActionKind>().notNull(),
    /** The answer, the requested change, the approval note or the new budget, as the person gave it. */
    text: text('text'),
    createdAt: doublePrecision('created_at').notNull(),
  },
  (t) => [index('job_action_job_idx').on(t.jobId, t.createdAt)],
);

/** Someone with the job's page open, as of `seenAt` (server time of their latest heartbeat; lib/jobs/presence.ts). */
export const jobViewer = pgTable(
  'job_viewer',
  {
    jobId: jobId(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    organizationId: orgId(),
    seenAt: doublePrecision('seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.userId] })],
);

export const jobActionRelations = relations(jobAction, ({ one }) => ({
  actor: one(user, { fields: [jobAction.actorId], references: [user.id] }),
}));

export const jobViewerRelations = relations(jobViewer, ({ one }) => ({
  user: one(user, { fields: [jobViewer.userId], references: [user.id] }),
}));
