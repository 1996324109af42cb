// Runners, their tokens, the secrets vault, git integrations and jobs.
// Anything secret (token hashes, ciphertexts) lives in schema `secure`, outside Zero's
// publication; the public tables hold what the UI shows (names, masked previews, times).
import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgSchema, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { JobStatus } from '@spedy/protocol/job-status';
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { aiBackends, controlActions, jobTypes, type JobSnapshot } from '@spedy/protocol/wire';
import { organization, user } from './auth-schema.ts';
import { project, ticket } from './board-schema.ts';

export const secureSchema = pgSchema('secure');

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const millis = (name: string) => doublePrecision(name);

export const runnerSettings = pgTable('runner_settings', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organization.id, { onDelete: 'cascade' }),
  offlineTimeoutSeconds: integer('offline_timeout_seconds').notNull(),
  autoCreateJobs: boolean('auto_create_jobs').notNull(),
  retriggerOnReview: boolean('retrigger_on_review').notNull(),
});

export const runner = pgTable(
  'runner',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    capabilities: jsonb('capabilities').$type<string[]>().notNull(),
    labels: jsonb('labels').$type<string[]>().notNull(),
    poolSize: integer('pool_size').notNull(),
    /** As the supervisor reported it at registration (SPEDY_AI_BACKEND); null: a supervisor that did not say (key mode). */
    aiBackend: text('ai_backend', { enum: aiBackends }),
    tokenId: text('token_id').notNull(),
    status: text('status', { enum: ['online', 'offline'] }).notNull(),
    lastHeartbeatAt: millis('last_heartbeat_at').notNull(),
    createdAt: millis('created_at').notNull(),
    /** The runner image's preparation as the runner last reported it (null: not reported). */
    imageStatus: jsonb('image_status').$type<RunnerImageStatus>(),
    /** When its supervisor said it is draining (handing its jobs back before it exits); null: not draining. */
    drainingSince: millis('draining_since'),
  },
  (t) => [uniqueIndex('runner_org_name_idx').on(t.organizationId, t.name), index('runner_status_idx').on(t.status, t.lastHeartbeatAt)],
);

export const runnerToken = pgTable(
  'runner_token',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** When set, the token may only act as this runner. */
    runnerId: text('runner_id'),
    expiresAt: millis('expires_at'),
    revokedAt: millis('revoked_at'),
    lastUsedAt: millis('last_used_at'),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('runner_token_org_idx').on(t.organizationId)],
);

export const runnerTokenHash = secureSchema.table('runner_token_hash', {
  tokenId: text('token_id')
    .primaryKey()
    .references(() => runnerToken.id, { onDelete: 'cascade' }),
  hash: text('hash').notNull().unique(),
});

/** Failed runner authentications per address and minute (rate limit shared by all instances). */
export const authFailure = secureSchema.table(
  'auth_failure',
  { address: text('address').notNull(), windowStart: bigint('window_start', { mode: 'number' }).notNull(), count: integer('count').notNull() },
  (t) => [primaryKey({ columns: [t.address, t.windowStart] })],
);

export const vaultEntry = pgTable(
  'vault_entry',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    /** The environment variable the runner sets, e.g. ANTHROPIC_API_KEY. */
    name: text('name').notNull(),
    kind: text('kind', { enum: ['anthropic', 'custom'] }).notNull(),
    maskedPreview: text('masked_preview').notNull(),
    rotatedAt: millis('rotated_at').notNull(),
    createdAt: millis('created_at').notNull(),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('vault_entry_org_name_idx').on(t.organizationId, t.name)],
);

export const vaultValue = secureSchema.table('vault_value', {
  entryId: text('entry_id')
    .primaryKey()
    .references(() => vaultEntry.id, { onDelete: 'cascade' }),
  ciphertext: text('ciphertext').notNull(),
  keyVersion: integer('key_version').notNull(),
});

export const gitIntegration = pgTable(
  'git_integration',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    provider: text('provider', { enum: ['github', 'bitbucket'] }).notNull(),
    /**
     * GitHub: `personal` token or `github_app` (the sealed secret is the App's private key; the
     * platform mints installation tokens, lib/integrations/github-app.ts). Bitbucket: `api_token`
     * (email for REST). `app_installation` (a pasted installation token) and `app_password`
     * (retired by Atlassian in 2026) are only ever read from older rows.
     */
    tokenKind: text('token_kind', { enum: ['personal', 'github_app', 'app_installation', 'api_token', 'app_password'] }).notNull(),
    /** The provider's REST base URL (GitHub Enterprise, or the test kit's stand-in). */
    apiUrl: text('api_url').notNull(),
    /** Bitbucket app passwords authenticate as username:password. */
    username: text('username'),
    /** Bitbucket API token: the Atlassian account's email (REST authenticates as email:token). */
    accountEmail: text('account_email'),
    /** GitHub App: its App ID and the installation on the account that owns the repositories. */
    githubAppId: text('github_app_id'),
    githubInstallationId: text('github_installation_id'),
    maskedPreview: text('masked_preview').notNull(),
    active: boolean('active').notNull(),
    lastTestedAt: millis('last_tested_at'),
    lastTestResult: jsonb('last_test_result').$type<{ ok: boolean; account?: string; missing: string[]; message: string }>(),
    rotatedAt: millis('rotated_at').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('git_integration_org_provider_idx').on(t.organizationId, t.provider)],
);

export const gitIntegrationSecret = secureSchema.table('git_integration_secret', {
  integrationId: text('integration_id')
    .primaryKey()
    .references(() => gitIntegration.id, { onDelete: 'cascade' }),
  ciphertext: text('ciphertext').notNull(),
  keyVersion: integer('key_version').notNull(),
});

export const job = pgTable(
  'job',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id').references(() => project.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id').references(() => ticket.id, { onDelete: 'set null' }),
    teamId: text('team_id'),
    rootJobId: text('root_job_id'),
    type: text('type', { enum: jobTypes }).notNull(),
    title: text('title').notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    statusReason: text('status_reason'),
    requiredCapabilities: jsonb('required_capabilities').$type<string[]>().notNull(),
    requiredLabels: jsonb('required_labels').$type<string[]>().notNull(),
    /**
     * The runner that took the job. A Ready job that still names one was continued or
     * answered after a Stop or a question: only that runner (its folder is there) may claim it.
     */
    runnerId: text('runner_id'),
    result: jsonb('result'),
    lastEventSeq: integer('last_event_seq').notNull(),
    createdBy: text('created_by'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    claimedAt: millis('claimed_at'),
    finishedAt: millis('finished_at'),
    /** When the runner first flagged "Diminishing returns" (a `diminishing_returns` event); a badge beside the status. */
    diminishingReturnsAt: millis('diminishing_returns_at'),
    /** The last checkpoint its runner saved (protocol/src/checkpoint.ts): "Retry from <stage>" and a hand-back resume from it. */
    checkpoint: jsonb('checkpoint').$type<JobCheckpoint>(),
    /** When its events were compacted after the organization's retention (lib/jobs/retention.ts); null while whole. */
    compactedAt: millis('compacted_at'),
  },
  (t) => [
    index('job_org_status_idx').on(t.organizationId, t.status),
    index('job_ready_idx').on(t.status, t.createdAt),
    // Claims and offers take an organization's oldest Ready job: an ordered scan of this small index.
    index('job_ready_org_idx').on(t.organizationId, t.createdAt).where(sql`status = 'ready'`),
    index('job_runner_idx').on(t.runnerId),
    index('job_compaction_idx').on(t.finishedAt).where(sql`compacted_at IS NULL AND finished_at IS NOT NULL`),
    // Never two active jobs for one ticket, enforced by PostgreSQL itself.
    uniqueIndex('job_one_active_per_ticket_idx')
      .on(t.ticketId)
      .where(sql`status NOT IN ('completed', 'failed', 'error') AND ticket_id IS NOT NULL`),
  ],
);

/**
 * A job's usage totals (lib/jobs/usage.ts), updated in the transaction that stores its
 * `usage` and `result` events: the runs panel, the Jobs tab and Active Runners read these
 * instead of summing events. Apart from the job row, so usage does not rewrite the job.
 */
export const jobUsage = pgTable(
  'job_usage',
  {
    jobId: text('job_id')
      .primaryKey()
      .references(() => job.id, { onDelete: 'cascade' }),
    organizationId: orgId(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }).notNull().default(0),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    costIncomplete: boolean('cost_incomplete').notNull().default(false),
    partial: boolean('partial').notNull().default(false),
    /** The agent's turns, summed over its runs' `result` events. */
    turns: integer('turns').notNull().default(0),
    /** What the prompt cache saved, priced per model as usage arrived (lib/analytics/cache-saving.ts). */
    cacheReadSavingUsd: doublePrecision('cache_read_saving_usd').notNull().default(0),
    cacheWritePremiumUsd: doublePrecision('cache_write_premium_usd').notNull().default(0),
    savingUnpriced: boolean('saving_unpriced').notNull().default(false),
  },
  (t) => [index('job_usage_org_idx').on(t.organizationId)],
);

/**
 * Pipeline, budget and repositories as they were when the job was created (protocol/src/wire.ts),
 * written once with the job. Out of the job row and in schema `secure`, so that the job's
 * status changes do not carry this large value through Zero's replication; the runner gets
 * it on claim, the job page over HTTP.
 */
export const jobSnapshotTable = secureSchema.table('job_snapshot', {
  jobId: text('job_id')
    .primaryKey()
    .references(() => job.id, { onDelete: 'cascade' }),
  snapshot: jsonb('snapshot').$type<JobSnapshot>().notNull(),
});

export const jobEvent = pgTable(
  'job_event',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => job.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    organizationId: orgId(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/**
 * Controls for a job's runner (stop, continue, input, approve), written in the transaction
 * of the user's action and sent until the runner acknowledges them: a control sent while
 * its socket is down is not lost. Platform-internal (schema `secure`: never replicated).
 */
export const jobControl = secureSchema.table(
  'job_control',
  {
    id: text('id').primaryKey(),
    /** Delivery order (a Stop before the Continue that follows it). */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    jobId: text('job_id')
      .notNull()
      .references(() => job.id, { onDelete: 'cascade' }),
    /** The runner that held the job when it was sent: another runner never gets it. */
    runnerId: text('runner_id').notNull(),
    action: text('action', { enum: controlActions }).notNull(),
    text: text('text'),
    createdAt: millis('created_at').notNull(),
    ackedAt: millis('acked_at'),
  },
  (t) => [index('job_control_pending_idx').on(t.runnerId, t.seq).where(sql`acked_at IS NULL`), index('job_control_job_idx').on(t.jobId)],
);
