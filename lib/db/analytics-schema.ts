// Organization settings and the analytics roll-ups: daily figures per organization,
// written in the same transaction as the usage events and status changes they count
// (lib/analytics/rollups.ts) and replicated by Zero, so the Analytics tab reads a few
// hundred rows rather than summing every job in the browser. A day is a calendar day in
// the organization's time zone. Members read job_daily, usage_daily and stage_daily;
// cost_daily (cost per team, project and model) is the administrators' cost summary.
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { organization } from './auth-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const tokens = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);
const count = (name: string) => integer(name).notNull().default(0);
const amount = (name: string) => doublePrecision(name).notNull().default(0);

const tokenColumns = () => ({
  inputTokens: tokens('input_tokens'),
  outputTokens: tokens('output_tokens'),
  cacheReadTokens: tokens('cache_read_tokens'),
  cacheWriteTokens: tokens('cache_write_tokens'),
});
/** lib/analytics/cache-saving.ts: net saving = read saving − write premium. */
const savingColumns = () => ({
  cacheReadSavingUsd: amount('cache_read_saving_usd'),
  cacheWritePremiumUsd: amount('cache_write_premium_usd'),
});
const costColumns = () => ({
  costUsd: amount('cost_usd'),
  /** Usages with neither the CLI's cost nor a listed model: costUsd is too low by them. */
  unpricedUsages: count('unpriced_usages'),
});

/** Settings of the whole organization (administrators change them); no row means the defaults. */
export const organizationSettings = pgTable('organization_settings', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organization.id, { onDelete: 'cascade' }),
  /** IANA zone the analytics count days in (lib/analytics/days.ts). */
  timeZone: text('time_zone').notNull().default('UTC'),
  /** Permissions taken from the Member role here (only withdrawable ones: lib/auth/permissions.ts). */
  withdrawnMemberPermissions: text('withdrawn_member_permissions').array().notNull().default(sql`'{}'`),
  /** Days a finished job keeps the full detail of its events before it is compacted (lib/jobs/retention.ts). */
  eventRetentionDays: integer('event_retention_days').notNull().default(30),
});

/** The organization's day: jobs that reached a final status, by outcome, and all usage. */
export const jobDaily = pgTable(
  'job_daily',
  {
    organizationId: orgId(),
    day: text('day').notNull(),
    completed: count('completed'),
    failed: count('failed'),
    errored: count('errored'),
    /** Sum over the jobs that finished that day of created → final status. */
    durationMs: amount('duration_ms'),
    /** Agent turns (the CLI's num_turns) of runs that ended that day. */
    turns: count('turns'),
    ...tokenColumns(),
    ...costColumns(),
    ...savingColumns(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day] })],
);

/** Tokens and cache saving per model (no cost: that is the administrators' summary). */
export const usageDaily = pgTable(
  'usage_daily',
  {
    organizationId: orgId(),
    day: text('day').notNull(),
    model: text('model').notNull(),
    ...tokenColumns(),
    ...savingColumns(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.model] })],
);

/** Per stage (by name): runs that ended, their time, tokens and validation results. */
export const stageDaily = pgTable(
  'stage_daily',
  {
    organizationId: orgId(),
    day: text('day').notNull(),
    stage: text('stage').notNull(),
    completed: count('completed'),
    failed: count('failed'),
    /** Sum of started/resumed → completed/failed/stopped spans. */
    durationMs: amount('duration_ms'),
    ...tokenColumns(),
    ...costColumns(),
    validations: count('validations'),
    validationsPassed: count('validations_passed'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.stage] })],
);

/** The organization cost summary: usage per team, project and model ('' for none). Administrators only. */
export const costDaily = pgTable(
  'cost_daily',
  {
    organizationId: orgId(),
    day: text('day').notNull(),
    teamId: text('team_id').notNull(),
    projectId: text('project_id').notNull(),
    model: text('model').notNull(),
    ...tokenColumns(),
    ...costColumns(),
    ...savingColumns(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.teamId, t.projectId, t.model] })],
);
