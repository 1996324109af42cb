// Runner teams (pipelines, budgets, triggers), skills, MCP servers and the
// repositories linked to projects.
import { doublePrecision, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { BudgetConfig, PipelineConfig } from '../teams/pipeline.ts';
import { organization } from './auth-schema.ts';
import { project } from './board-schema.ts';
import { secureSchema } from './runner-schema.ts';

const orgId = () =>
  text('organization_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' });
const millis = (name: string) => doublePrecision(name).notNull();

export const runnerTeam = pgTable(
  'runner_team',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    preset: text('preset').notNull(),
    /** Names of the project's status columns (see ARCHITECTURE: Projects and statuses). */
    workingStatus: text('working_status').notNull(),
    completionStatus: text('completion_status').notNull(),
    failureStatus: text('failure_status').notNull(),
    /** The @handle, unique in the organization's handle table together with members'. */
    handle: text('handle').notNull(),
    requiredCapabilities: jsonb('required_capabilities').$type<string[]>().notNull(),
    requiredLabels: jsonb('required_labels').$type<string[]>().notNull(),
    budget: jsonb('budget').$type<BudgetConfig>().notNull(),
    pipeline: jsonb('pipeline').$type<PipelineConfig>().notNull(),
    /** host:port entries its containers may reach through the supervisor's egress proxy (protocol/src/allowed-hosts.ts). */
    allowedHosts: jsonb('allowed_hosts').$type<string[]>().notNull().default([]),
    createdAt: millis('created_at'),
    updatedAt: millis('updated_at'),
  },
  (t) => [uniqueIndex('runner_team_org_name_idx').on(t.organizationId, t.name)],
);

export const skill = pgTable(
  'skill',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    /** null: organization-wide; else only this project. */
    projectId: text('project_id').references(() => project.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    description: text('description').notNull(),
    body: text('body').notNull(),
    updatedAt: millis('updated_at'),
  },
  (t) => [uniqueIndex('skill_org_slug_idx').on(t.organizationId, t.slug)],
);

export const mcpServer = pgTable(
  'mcp_server',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id').references(() => project.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    transport: text('transport', { enum: ['stdio', 'sse', 'http'] }).notNull(),
    url: text('url'),
    command: text('command'),
    args: jsonb('args').$type<string[]>().notNull(),
    allowedTools: jsonb('allowed_tools').$type<string[]>().notNull(),
    /** e.g. "API_TOKEN ••••ab12"; the value itself is sealed in secure.mcp_server_secret. */
    credentialPreview: text('credential_preview'),
    updatedAt: millis('updated_at'),
  },
  (t) => [uniqueIndex('mcp_server_org_name_idx').on(t.organizationId, t.name)],
);

export const mcpServerSecret = secureSchema.table('mcp_server_secret', {
  mcpServerId: text('mcp_server_id')
    .primaryKey()
    .references(() => mcpServer.id, { onDelete: 'cascade' }),
  /** Sealed JSON object of credential env vars / headers. */
  ciphertext: text('ciphertext').notNull(),
  keyVersion: doublePrecision('key_version').notNull(),
});

export const projectRepository = pgTable(
  'project_repository',
  {
    id: text('id').primaryKey(),
    organizationId: orgId(),
    projectId: text('project_id')
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['github', 'bitbucket', 'gitlab'] }).notNull(),
    /** owner/name */
    fullName: text('full_name').notNull(),
    name: text('name').notNull(),
    cloneUrl: text('clone_url').notNull(),
    defaultBranch: text('default_branch').notNull(),
    baseBranch: text('base_branch').notNull(),
    /** Build & Validate's setup commands (lib/repositories/setup-commands.ts): the repository's layer on top of the runner image. */
    setupCommands: jsonb('setup_commands').$type<string[]>().notNull().default([]),
    createdAt: millis('created_at'),
  },
  (t) => [uniqueIndex('project_repository_unique_idx').on(t.projectId, t.provider, t.fullName), index('project_repository_org_idx').on(t.organizationId)],
);

/** Build & Validate: which team works this project's tickets. */
export const projectRunnerConfig = pgTable('project_runner_config', {
  projectId: text('project_id')
    .primaryKey()
    .references(() => project.id, { onDelete: 'cascade' }),
  organizationId: orgId(),
  teamId: text('team_id').references(() => runnerTeam.id, { onDelete: 'set null' }),
  triggerOnStatus: text('trigger_on_status', { enum: ['auto', 'off'] }).notNull(),
});
