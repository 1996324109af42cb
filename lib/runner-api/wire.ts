// The runner API's wire types: one file imported by the platform and the supervisor.
import { z } from 'zod';
import { jobStatuses } from '../jobs/status.ts';
import { modelIds } from '../pricing/models.ts';

export const runnerApiVersion = 'v1';

const name = z.string().trim().min(1).max(100);
const tag = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'Capabilities and labels are lowercase words such as claude_code or backend.');

// ── The job snapshot: what a job carries from the moment it is created ──────────
export const stageTypes = ['planning', 'coding', 'review', 'security_review', 'custom'] as const;
export const builtInTools = ['Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob', 'WebSearch', 'WebFetch'] as const;

export const skillSnapshot = z.object({ slug: z.string(), description: z.string(), body: z.string() });
export const mcpServerSnapshot = z.object({
  id: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'sse', 'http']),
  url: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  allowedTools: z.array(z.string()).default([]),
});

export const stageSnapshot = z.object({
  id: z.string(),
  type: z.enum(stageTypes),
  name: z.string(),
  systemPrompt: z.string(),
  allowedTools: z.array(z.string()),
  model: z.enum(modelIds),
  role: z.enum(['planner', 'executor']),
  requireApproval: z.boolean(),
  validationCommands: z.array(z.string()),
  maxRetries: z.number().int().min(0).max(10),
  skills: z.array(skillSnapshot),
  mcpServers: z.array(mcpServerSnapshot),
});
export type StageSnapshot = z.infer<typeof stageSnapshot>;

/** An ordered list of steps; the stages of one step run in parallel. */
export const pipelineSnapshot = z.object({ steps: z.array(z.object({ stages: z.array(stageSnapshot).min(1) })) });

export const budgetSnapshot = z.object({
  maxCostUsd: z.number().positive().nullable(),
  maxTurns: z.number().int().positive().nullable(),
  warningThresholdPercent: z.number().int().min(1).max(100),
  maxInputTokens: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
});

export const repositorySnapshot = z.object({
  provider: z.enum(['github', 'bitbucket', 'gitlab']),
  /** owner/name */
  fullName: z.string(),
  name: z.string(),
  cloneUrl: z.string(),
  baseBranch: z.string(),
});

export const jobSnapshot = z.object({
  trigger: z.object({
    kind: z.enum(['status', 'mention', 'manual', 'review']),
    commentId: z.string().optional(),
    commentBody: z.string().optional(),
  }),
  ticket: z
    .object({ id: z.string(), displayId: z.string(), title: z.string(), description: z.string(), type: z.string() })
    .nullable(),
  team: z
    .object({ id: z.string(), name: z.string(), workingStatus: z.string(), completionStatus: z.string(), failureStatus: z.string() })
    .nullable(),
  instructions: z.string().default(''),
  pipeline: pipelineSnapshot,
  budget: budgetSnapshot,
  repositories: z.array(repositorySnapshot),
});
export type JobSnapshot = z.infer<typeof jobSnapshot>;

// ── HTTP bodies ─────────────────────────────────────────────────────────────────
export const registerRequest = z.object({
  name,
  version: z.string().trim().min(1).max(40),
  capabilities: z.array(tag).max(20),
  labels: z.array(tag).max(40),
  poolSize: z.number().int().min(1).max(64),
});
export type RegisterRequest = z.infer<typeof registerRequest>;
export const registerResponse = z.object({
  runnerId: z.string(),
  heartbeatIntervalSeconds: z.number(),
  offlineTimeoutSeconds: z.number(),
});

export const heartbeatRequest = z.object({ runnerId: z.string(), activeJobIds: z.array(z.string()).max(64) });

export const bootstrapResponse = z.object({
  /** Vault entries by env var name, merged with git tokens (GITHUB_TOKEN, BITBUCKET_TOKEN…). */
  env: z.record(z.string(), z.string()),
  git: z.array(
    z.object({
      provider: z.enum(['github', 'bitbucket']),
      apiUrl: z.string(),
      token: z.string(),
      username: z.string().nullable(),
    }),
  ),
  fetchedAt: z.number(),
});
export type BootstrapResponse = z.infer<typeof bootstrapResponse>;

export const claimedJob = z.object({
  id: z.string(),
  organizationId: z.string(),
  type: z.enum(['streaming', 'batch', 'board_interaction']),
  title: z.string(),
  status: z.enum(jobStatuses),
  snapshot: jobSnapshot,
  lastEventSeq: z.number().int(),
});
export type ClaimedJob = z.infer<typeof claimedJob>;

export const claimRequest = z.object({ runnerId: z.string(), jobId: z.string().optional() });
export const statusRequest = z.object({
  runnerId: z.string(),
  status: z.enum(jobStatuses),
  reason: z.string().max(2000).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
});

export const jobEventInput = z.object({
  seq: z.number().int().min(1),
  type: z.string().min(1).max(40),
  payload: z.record(z.string(), z.unknown()),
  at: z.number(),
});
export type JobEventInput = z.infer<typeof jobEventInput>;
export const eventsRequest = z.object({ runnerId: z.string(), events: z.array(jobEventInput).min(1).max(500) });
export const eventsResponse = z.object({ ackedSeq: z.number().int() });

// ── WebSocket messages ──────────────────────────────────────────────────────────
export const controlActions = ['stop', 'continue', 'input', 'approve'] as const;

export const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), runnerId: z.string() }),
  z.object({ type: z.literal('offer'), jobId: z.string() }),
  z.object({ type: z.literal('control'), jobId: z.string(), action: z.enum(controlActions), text: z.string().optional() }),
  z.object({ type: z.literal('claimed'), requestId: z.string(), job: claimedJob.nullable() }),
  z.object({ type: z.literal('ack'), jobId: z.string(), ackedSeq: z.number().int() }),
  z.object({ type: z.literal('status-ok'), requestId: z.string(), status: z.enum(jobStatuses) }),
  z.object({ type: z.literal('error'), requestId: z.string().optional(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

export const runnerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('claim'), requestId: z.string(), jobId: z.string().optional() }),
  z.object({ type: z.literal('events'), jobId: z.string(), events: z.array(jobEventInput).min(1).max(500) }),
  z.object({
    type: z.literal('status'),
    requestId: z.string(),
    jobId: z.string(),
    status: z.enum(jobStatuses),
    reason: z.string().max(2000).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal('heartbeat'), activeJobIds: z.array(z.string()).max(64) }),
]);
export type RunnerMessage = z.infer<typeof runnerMessage>;

export const runnerSocketPath = '/api/v1/runners/ws';
