// Review learning (migration 0031): what reviewers taught, the evidence for and against each
// entry, and where an entry reached an agent. All replicated by Zero (Settings → Knowledge and
// the job page); written by lib/knowledge/ and the knowledge mutators.
import { relations } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import type { KnowledgeEvidenceKind, KnowledgeUseKind } from '../knowledge/kinds.ts';
import { organization, user } from './auth-schema.ts';
import { project, ticket } from './board-schema.ts';
import { job } from './runner-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const millis = (name: string) => doublePrecision(name).notNull();

/** One thing a reviewer taught: their comment on a file of a pull request, with the diff around it. */
export const knowledgeEntry = pgTable(
  'knowledge_entry',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id').references(() => project.id, { onDelete: 'set null' }),
    ticketId: text('ticket_id').references(() => ticket.id, { onDelete: 'set null' }),
    filePath: text('file_path').notNull(),
    line: integer('line'),
    diffContext: text('diff_context').notNull(),
    comment: text('comment').notNull(),
    reviewer: text('reviewer').notNull(),
    /** The review and pull request it came from (the review loop's ids). */
    reviewId: text('review_id').notNull(),
    pullRequestUrl: text('pull_request_url').notNull(),
    /** From the evidence only (lib/knowledge/confidence.ts); kept here so pre-selection can filter on it. */
    confidence: doublePrecision('confidence').notNull(),
    evergreen: boolean('evergreen').notNull(),
    /** Who set or cleared `evergreen`; null while it is the rule's proposal (lib/knowledge/evergreen.ts). */
    evergreenSetBy: text('evergreen_set_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: millis('created_at'),
    updatedAt: millis('updated_at'),
  },
  (t) => [index('knowledge_entry_org_idx').on(t.organizationId, t.projectId)],
);

/** A fact for or against an entry; the entry's confidence is computed from all of them. */
export const knowledgeEvidence = pgTable(
  'knowledge_evidence',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    entryId: text('entry_id')
      .notNull()
      .references(() => knowledgeEntry.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<KnowledgeEvidenceKind>().notNull(),
    /** Where it came from: the later review's comment, or the person's note. */
    pullRequestUrl: text('pull_request_url'),
    reviewId: text('review_id'),
    filePath: text('file_path'),
    text: text('text'),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    createdAt: millis('created_at'),
  },
  (t) => [index('knowledge_evidence_entry_idx').on(t.entryId)],
);

/** An entry put into a stage's context before it started, or returned by knowledge_recall. */
export const knowledgeUse = pgTable(
  'knowledge_use',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    entryId: text('entry_id')
      .notNull()
      .references(() => knowledgeEntry.id, { onDelete: 'cascade' }),
    jobId: text('job_id')
      .notNull()
      .references(() => job.id, { onDelete: 'cascade' }),
    stageId: text('stage_id'),
    kind: text('kind').$type<KnowledgeUseKind>().notNull(),
    createdAt: millis('created_at'),
  },
  (t) => [index('knowledge_use_job_idx').on(t.jobId), index('knowledge_use_entry_idx').on(t.entryId)],
);

export const knowledgeEntryRelations = relations(knowledgeEntry, ({ one, many }) => ({
  project: one(project, { fields: [knowledgeEntry.projectId], references: [project.id] }),
  evidence: many(knowledgeEvidence),
  uses: many(knowledgeUse),
}));

export const knowledgeEvidenceRelations = relations(knowledgeEvidence, ({ one }) => ({
  entry: one(knowledgeEntry, { fields: [knowledgeEvidence.entryId], references: [knowledgeEntry.id] }),
}));

export const knowledgeUseRelations = relations(knowledgeUse, ({ one }) => ({
  entry: one(knowledgeEntry, { fields: [knowledgeUse.entryId], references: [knowledgeEntry.id] }),
}));
