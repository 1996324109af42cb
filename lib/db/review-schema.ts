// The review loop (migration 0028): pull requests runners opened, linked to their tickets;
// webhook deliveries; the reviews they brought and what each led to. All replicated by Zero
// except the sealed webhook secrets (schema `secure`).
import { relations } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { organization } from './auth-schema.ts';
import { ticket } from './board-schema.ts';
import { gitIntegration, job, secureSchema } from './runner-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const millis = (name: string) => doublePrecision(name);

export const pullRequestStates = ['open', 'merged', 'closed'] as const;
export type PullRequestState = (typeof pullRequestStates)[number];

/** A pull request a runner opened (lib/reviews/pull-requests.ts); its state follows the host. */
export const pullRequest = pgTable(
  'pull_request',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    ticketId: text('ticket_id').references(() => ticket.id, { onDelete: 'set null' }),
    jobId: text('job_id').references(() => job.id, { onDelete: 'set null' }),
    rootJobId: text('root_job_id'),
    provider: text('provider', { enum: ['github', 'bitbucket', 'gitlab'] }).notNull(),
    repository: text('repository').notNull(),
    branch: text('branch'),
    number: integer('number').notNull(),
    url: text('url').notNull(),
    state: text('state', { enum: pullRequestStates }).notNull(),
    lastPolledAt: millis('last_polled_at'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('pull_request_org_url_idx').on(t.organizationId, t.url),
    index('pull_request_target_idx').on(t.organizationId, t.provider, t.repository, t.number),
    index('pull_request_ticket_idx').on(t.ticketId),
  ],
);

export const webhookDeliveryOutcomes = ['queued', 'processed', 'ignored', 'error'] as const;
export type WebhookDeliveryOutcome = (typeof webhookDeliveryOutcomes)[number];

/** A delivery of a git host's webhook, or one the poller made up for a review it found (lib/reviews/deliveries.ts). */
export const webhookDelivery = pgTable(
  'webhook_delivery',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    integrationId: text('integration_id')
      .notNull()
      .references(() => gitIntegration.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    source: text('source', { enum: ['webhook', 'poller'] }).notNull(),
    /** `pull_request_review.submitted`, `pullrequest:fulfilled`, … */
    event: text('event').notNull(),
    /** graphile-worker's job id of the task that processes it. */
    taskId: text('task_id'),
    outcome: text('outcome', { enum: webhookDeliveryOutcomes }).notNull(),
    detail: text('detail'),
    receivedAt: millis('received_at').notNull(),
    processedAt: millis('processed_at'),
  },
  (t) => [uniqueIndex('webhook_delivery_unique_idx').on(t.integrationId, t.deliveryId), index('webhook_delivery_recent_idx').on(t.integrationId, t.receivedAt)],
);

/**
 * An inline comment. `diffHunk`: the diff up to the commented line (GitHub's diff_hunk; for
 * Bitbucket, cut from the pull request's diff when read); absent for a line outside the diff,
 * and for reviews stored before it was kept.
 */
export type ReviewComment = { path: string; line: number | null; body: string; diffHunk?: string };

/** A review on a linked pull request with its inline comments, stored once per review (what issue 20's knowledge learns from). */
export const pullRequestReview = pgTable(
  'pull_request_review',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    pullRequestId: text('pull_request_id')
      .notNull()
      .references(() => pullRequest.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id').references(() => ticket.id, { onDelete: 'set null' }),
    /** The host's id of the review (GitHub's review id; Bitbucket's change request). */
    reviewKey: text('review_key').notNull(),
    reviewer: text('reviewer').notNull(),
    state: text('state', { enum: ['changes_requested', 'commented', 'approved'] }).notNull(),
    summary: text('summary').notNull(),
    comments: jsonb('comments').$type<ReviewComment[]>().notNull(),
    submittedAt: millis('submitted_at'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('pull_request_review_unique_idx').on(t.pullRequestId, t.reviewKey)],
);

/** What a "changes requested" review led to: a job, or the guard that refused one (lib/reviews/retrigger-guards.ts). */
export const reviewRetrigger = pgTable(
  'review_retrigger',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    pullRequestId: text('pull_request_id')
      .notNull()
      .references(() => pullRequest.id, { onDelete: 'cascade' }),
    reviewId: text('review_id')
      .notNull()
      .references(() => pullRequestReview.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id').references(() => ticket.id, { onDelete: 'set null' }),
    outcome: text('outcome', { enum: ['retriggered', 'refused'] }).notNull(),
    guard: text('guard'),
    message: text('message').notNull(),
    jobId: text('job_id').references(() => job.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('review_retrigger_pr_idx').on(t.pullRequestId, t.createdAt), index('review_retrigger_ticket_idx').on(t.ticketId, t.createdAt)],
);

/** An integration's webhook secret as the page shows it; the sealed value is `gitWebhookSecret`. */
export const gitWebhook = pgTable('git_webhook', {
  integrationId: text('integration_id')
    .primaryKey()
    .references(() => gitIntegration.id, { onDelete: 'cascade' }),
  organizationId: orgId(),
  maskedPreview: text('masked_preview').notNull(),
  rotatedAt: millis('rotated_at').notNull(),
});

export const gitWebhookSecret = secureSchema.table('git_webhook_secret', {
  integrationId: text('integration_id')
    .primaryKey()
    .references(() => gitIntegration.id, { onDelete: 'cascade' }),
  ciphertext: text('ciphertext').notNull(),
  keyVersion: integer('key_version').notNull(),
});

export const reviewRetriggerRelations = relations(reviewRetrigger, ({ one }) => ({
  review: one(pullRequestReview, { fields: [reviewRetrigger.reviewId], references: [pullRequestReview.id] }),
  pullRequest: one(pullRequest, { fields: [reviewRetrigger.pullRequestId], references: [pullRequest.id] }),
}));
