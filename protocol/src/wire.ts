// The runner API's wire types: one file imported by the platform and the supervisor.
import { z } from 'zod';
import { replicatedJsonObject } from './replicated-json.ts';
import { maxEventTypeLength } from './job-events.ts';
import { jobStatuses } from './job-status.ts';
import { modelIds } from './models.ts';
import { runnerImageStatus } from './runner-image.ts';
import { jobCheckpoint } from './checkpoint.ts';

export const runnerApiVersion = 'v1';

/** The bearer token of every runner request: rnt_ + 64 hex characters (issued by lib/runners/token.ts). */
export const runnerTokenPattern = /^rnt_[0-9a-f]{64}$/;

const name = z.string().trim().min(1).max(100);
/** A capability (claude_code) or label (backend): what runners declare and jobs require. */
export const runnerTag = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'Capabilities and labels are lowercase words such as claude_code or backend.');

/** Streaming and batch jobs run a pipeline (watched live or in the background); a Board Interaction answers a mention on its ticket. */
export const jobTypes = ['streaming', 'batch', 'board_interaction'] as const;
export type JobType = (typeof jobTypes)[number];

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
export type PipelineSnapshot = z.infer<typeof pipelineSnapshot>;

/** A stage's and a job's wall-clock limits and the idle limit of an agent, in seconds (issue 14). */
export const defaultTimeLimits = { stageTimeLimitSeconds: 30 * 60, jobTimeLimitSeconds: 2 * 3600, idleLimitSeconds: 10 * 60 } as const;

export const budgetSnapshot = z.object({
  maxCostUsd: z.number().positive().nullable(),
  maxTurns: z.number().int().positive().nullable(),
  warningThresholdPercent: z.number().int().min(1).max(100),
  maxInputTokens: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  // Snapshots made before the limits existed get the defaults.
  stageTimeLimitSeconds: z.number().int().positive().default(defaultTimeLimits.stageTimeLimitSeconds),
  jobTimeLimitSeconds: z.number().int().positive().default(defaultTimeLimits.jobTimeLimitSeconds),
  idleLimitSeconds: z.number().int().positive().default(defaultTimeLimits.idleLimitSeconds),
});

export const repositorySnapshot = z.object({
  provider: z.enum(['github', 'bitbucket', 'gitlab']),
  /** owner/name */
  fullName: z.string(),
  name: z.string(),
  cloneUrl: z.string(),
  baseBranch: z.string(),
  /** Build & Validate's setup commands: the repository's layer on top of the runner image (supervisor/runner/setup-layer.ts). */
  setupCommands: z.array(z.string()).default([]),
});

/** A pull request a runner opened, as a later job continues it (a review retrigger). */
export const pullRequestTarget = z.object({
  /** The repository's full name, as in `repositories`. */
  repository: z.string().min(1),
  number: z.number().int().positive(),
  url: z.string().url(),
  branch: z.string().min(1),
  /** Open: push to its branch. Merged or closed: a fresh branch from the base and a new pull request. */
  state: z.enum(['open', 'merged', 'closed']),
});
export type PullRequestTarget = z.infer<typeof pullRequestTarget>;

/** What a reviewer asked for, as a retriggered job's prompt holds it. */
export const reviewFeedback = z.object({
  pullRequest: pullRequestTarget,
  reviewer: z.string(),
  summary: z.string(),
  comments: z.array(z.object({ path: z.string(), line: z.number().int().nullable(), body: z.string() })).max(500),
});
export type ReviewFeedback = z.infer<typeof reviewFeedback>;

/**
 * A job's part in an epic run (lib/epics). All of a run's work goes to one branch, `epic/<display-id>`,
 * in every repository:
 * - `reset`: no agent stage; the branch is set to the repository's base branch (a run's start, a restart);
 * - `sub-run`: the ticket's stages run on the branch and land one commit on it (rebased onto it, never
 *   force-pushed); no pull request;
 * - `closing`: no agent stage; one pull request per repository from the branch to its base.
 */
export const epicRunPart = z.object({
  runId: z.string().min(1),
  epicTicketId: z.string().min(1),
  branch: z.string().min(1),
  role: z.enum(['reset', 'sub-run', 'closing']),
});
export type EpicRunPart = z.infer<typeof epicRunPart>;

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
  /** The team's allowed hosts (host:port, allowed-hosts.ts): all the job's containers reach besides the model and the board tools. */
  allowedHosts: z.array(z.string()).default([]),
  /** A review retrigger's feedback and the pull request it revises (trigger kind `review`). */
  review: reviewFeedback.optional(),
  /** The job's part in an epic run. */
  epic: epicRunPart.optional(),
});
export type JobSnapshot = z.infer<typeof jobSnapshot>;

// ── HTTP bodies ─────────────────────────────────────────────────────────────────
/** `key`: the organization's ANTHROPIC_API_KEY from the vault; `local`: a person's Claude Max/Pro login (SPEDY_AI_BACKEND). */
export const aiBackends = ['key', 'local'] as const;
export type AiBackend = (typeof aiBackends)[number];

export const registerRequest = z.object({
  name,
  version: z.string().trim().min(1).max(40),
  capabilities: z.array(runnerTag).max(20),
  labels: z.array(runnerTag).max(40),
  poolSize: z.number().int().min(1).max(64),
  /** The runner image's preparation (absent from older supervisors). */
  image: runnerImageStatus.optional(),
  /** Where the runner's model access comes from (optional: supervisors before it send none). */
  aiBackend: z.enum(aiBackends).optional(),
});
export type RegisterRequest = z.infer<typeof registerRequest>;
export const registerResponse = z.object({
  runnerId: z.string(),
  heartbeatIntervalSeconds: z.number(),
  offlineTimeoutSeconds: z.number(),
});

/**
 * `cancel` ends the job for good (interrupt, grace period, kill); its `text` is the Failed reason ("Cancelled by …").
 * `revise` sends a plan back: its `text` is the person's requested change; the planner writes the plan again.
 */
export const controlActions = ['stop', 'continue', 'input', 'approve', 'revise', 'cancel'] as const;
/**
 * A control for a job the runner holds. The platform keeps it until the runner acknowledges
 * its `controlId` (`control-ack`, or `ackedControlIds` in a heartbeat) and sends it again on
 * every reconnect and heartbeat until then: apply each id once.
 */
export const jobControlMessage = z.object({
  type: z.literal('control'),
  jobId: z.string(),
  action: z.enum(controlActions),
  text: z.string().optional(),
  controlId: z.string().optional(),
});
export type JobControlMessage = z.infer<typeof jobControlMessage>;
const controlIds = z.array(z.string().max(100)).max(200);

export const heartbeatRequest = z.object({
  runnerId: z.string(),
  activeJobIds: z.array(z.string()).max(64),
  /** Controls applied since the last acknowledgement the platform received (the HTTP fallback of `control-ack`). */
  ackedControlIds: controlIds.optional(),
  /** The runner image's preparation, when the runner reports it. */
  image: runnerImageStatus.optional(),
  /**
   * The supervisor is draining (SIGTERM): it hands its working jobs back and exits. Should its
   * heartbeats stop before it handed back all of them, the platform makes them Ready instead of Failed.
   */
  draining: z.boolean().optional(),
});
/** The platform's view of the jobs the runner reported, so a runner learns of jobs stopped or failed while it was away. */
export const heartbeatResponse = z.object({
  status: z.literal('online'),
  jobs: z.array(z.object({ id: z.string(), status: z.enum(jobStatuses) })),
  /** Controls not yet acknowledged (absent when none wait). */
  controls: z.array(jobControlMessage).optional(),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponse>;

/** Every refused request answers with this body (and a 4xx status). */
export const errorResponse = z.object({ error: z.string() });

/**
 * One git host's credentials for the supervisor's own clone, push and pull requests (never a
 * container's): see @spedy/protocol/git-providers/access for how each host takes them.
 */
export const gitProviderAccess = z.object({
  provider: z.enum(['github', 'bitbucket']),
  apiUrl: z.string(),
  token: z.string(),
  /** Bitbucket app password: the account's username (REST and git). */
  username: z.string().nullable(),
  /** Bitbucket API token: the Atlassian account's email (REST); git uses the static user x-bitbucket-api-token-auth. */
  email: z.string().nullish(),
});

export const bootstrapResponse = z.object({
  /** Vault entries by env var name, merged with git tokens (GITHUB_TOKEN, BITBUCKET_TOKEN…). */
  env: z.record(z.string(), z.string()),
  git: z.array(gitProviderAccess),
  fetchedAt: z.number(),
});
export type BootstrapResponse = z.infer<typeof bootstrapResponse>;

/**
 * GET runners/readiness: what an installer checks before it writes a runner's settings (the
 * token is valid: any answer but 401; which secrets the vault holds, by name only).
 */
export const readinessResponse = z.object({
  organizationId: z.string(),
  /** Whether the vault holds ANTHROPIC_API_KEY (key mode needs it). */
  anthropicApiKey: z.boolean(),
});
export type ReadinessResponse = z.infer<typeof readinessResponse>;

export const claimedJob = z.object({
  id: z.string(),
  organizationId: z.string(),
  type: z.enum(jobTypes),
  title: z.string(),
  status: z.enum(jobStatuses),
  snapshot: jobSnapshot,
  lastEventSeq: z.number().int(),
  /** The last checkpoint (checkpoint.ts): the job resumes after its last finished step. */
  checkpoint: jobCheckpoint.nullish(),
});
export type ClaimedJob = z.infer<typeof claimedJob>;

export const claimRequest = z.object({ runnerId: z.string(), jobId: z.string().optional() });
/** `job` is null when no matching job is ready (or the requested one went to another runner first). */
export const claimResponse = z.object({ job: claimedJob.nullable() });
export const statusRequest = z.object({
  runnerId: z.string(),
  status: z.enum(jobStatuses),
  reason: z.string().max(2000).optional(),
  result: replicatedJsonObject.optional(),
});
export const statusResponse = z.object({ status: z.enum(jobStatuses) });

/** Sequence numbers are PostgreSQL integers. */
export const maxEventSeq = 2_147_483_647;

export const jobEventInput = z.object({
  seq: z.number().int().min(1).max(maxEventSeq),
  /** One of `jobEventTypes` (job-events.ts); a reader shows an unknown type by name. */
  type: z.string().min(1).max(maxEventTypeLength),
  payload: replicatedJsonObject,
  at: z.number(),
});
export type JobEventInput = z.infer<typeof jobEventInput>;
export const eventsRequest = z.object({ runnerId: z.string(), events: z.array(jobEventInput).min(1).max(500) });
export const eventsResponse = z.object({ ackedSeq: z.number().int() });

// ── WebSocket messages ──────────────────────────────────────────────────────────
export const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), runnerId: z.string() }),
  z.object({ type: z.literal('offer'), jobId: z.string() }),
  jobControlMessage,
  z.object({ type: z.literal('claimed'), requestId: z.string(), job: claimedJob.nullable() }),
  z.object({ type: z.literal('ack'), jobId: z.string(), ackedSeq: z.number().int() }),
  z.object({ type: z.literal('status-ok'), requestId: z.string(), status: z.enum(jobStatuses) }),
  /** The answer to a `heartbeat` message: the platform's status of the jobs the runner reported. */
  z.object({ type: z.literal('heartbeat-ok'), jobs: heartbeatResponse.shape.jobs, controls: heartbeatResponse.shape.controls }),
  /** A person changed the ticket of a job the runner holds (title, description, status, comments…): drop its cached board context. */
  z.object({ type: z.literal('ticket-changed'), jobId: z.string() }),
  z.object({ type: z.literal('error'), requestId: z.string().optional(), jobId: z.string().optional(), message: z.string() }),
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
    result: replicatedJsonObject.optional(),
  }),
  z.object({
    type: z.literal('heartbeat'),
    activeJobIds: z.array(z.string()).max(64),
    ackedControlIds: controlIds.optional(),
    image: runnerImageStatus.optional(),
    draining: z.boolean().optional(),
  }),
  /** Controls the runner applied (or found nothing to apply for): never sent again. */
  z.object({ type: z.literal('control-ack'), controlIds: controlIds.min(1) }),
]);
export type RunnerMessage = z.infer<typeof runnerMessage>;

export const runnerSocketPath = '/api/v1/runners/ws';

/** `ws://host/api/v1/runners/ws?runnerId=…` for a platform URL such as `https://spedy.example.com`. */
export function runnerSocketUrl(platformUrl: string, runnerId: string): string {
  const url = new URL(runnerSocketPath, platformUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('runnerId', runnerId);
  return url.toString();
}

/** Close codes the platform uses on a runner socket (4000–4999 are the application's own). */
export const runnerSocketCloseCodes = {
  /** The token was revoked or expired while the socket was open: do not reconnect with it. */
  tokenRefused: 4401,
  /** The platform instance is shutting down: reconnect (another instance may answer). */
  goingAway: 1001,
} as const;

// ── Board tools: the agent's view of its job's ticket (runner API, job held by the runner) ─
/** GET /runners/jobs/:id/board/ticket?runnerId=…[&displayId=SPD-12] */
export const boardTicketQuery = z.object({
  runnerId: z.string().min(1),
  /** Another ticket of the job's organization to read (read-only); default: the job's own ticket. */
  displayId: z.string().trim().max(30).optional(),
});
export const boardTicket = z.object({
  id: z.string(),
  displayId: z.string(),
  title: z.string(),
  type: z.string(),
  status: z.string(),
  description: z.string(),
  project: z.object({ key: z.string(), name: z.string(), statuses: z.array(z.string()) }),
  parent: z.object({ id: z.string(), displayId: z.string(), title: z.string() }).nullable(),
  subtickets: z.array(z.object({ id: z.string(), displayId: z.string(), title: z.string(), status: z.string() })),
  comments: z.array(z.object({ id: z.string(), author: z.string(), body: z.string(), createdAt: z.number() })),
});
export type BoardTicket = z.infer<typeof boardTicket>;
export const boardTicketResponse = z.object({ ticket: boardTicket });

const boardText = (what: string, max: number) => z.string().trim().min(1, `Write the ${what}.`).max(max, `The ${what} is at most ${max} characters.`);
export const boardCommentRequest = z.object({ runnerId: z.string(), body: boardText('comment', 20_000) });
export const boardCommentResponse = z.object({ comment: z.object({ id: z.string(), ticketId: z.string() }) });
/** `status`: the name of one of the project's status columns, e.g. "In Review". */
export const boardStatusRequest = z.object({ runnerId: z.string(), status: boardText('status name', 100) });
export const boardStatusResponse = z.object({ ticketId: z.string(), status: z.string() });
export const boardSubticketRequest = z.object({
  runnerId: z.string(),
  title: boardText('title', 300),
  description: z.string().max(50_000).optional(),
  type: z.enum(['story', 'task', 'bug']).optional(),
});
export const boardSubticketResponse = z.object({
  ticket: z.object({ id: z.string(), displayId: z.string(), title: z.string(), type: z.string(), status: z.string() }),
  /** Under an Epic whose run is active: no job starts for the ticket; it joins the run on Continue. */
  epicRunNotice: z.string().optional(),
});

// ── A job's MCP credentials: decrypted for the runner holding the job, never in the snapshot ─
/** GET /runners/jobs/:id/mcp-credentials?runnerId=… */
export const jobMcpCredentialsQuery = z.object({ runnerId: z.string().min(1) });
/** One attached server's stored credentials: env vars (STDIO) or request headers (SSE, HTTP), by name. */
export const mcpServerCredentials = z.object({ id: z.string(), kind: z.enum(['env', 'headers']), values: z.record(z.string(), z.string()) });
export type McpServerCredentials = z.infer<typeof mcpServerCredentials>;
export const jobMcpCredentialsResponse = z.object({ servers: z.array(mcpServerCredentials) });
export type JobMcpCredentialsResponse = z.infer<typeof jobMcpCredentialsResponse>;

export const jobGitAccessQuery = z.object({ runnerId: z.string().min(1) });
/**
 * GET runners/jobs/:id/git-access: the credentials for the job's repositories' hosts, fresh
 * (a GitHub App's installation token is minted by the platform and lasts an hour, so the
 * runner asks before each clone and push), and the repositories it cannot deliver to, with why.
 */
export const jobGitAccessResponse = z.object({
  git: z.array(gitProviderAccess),
  refused: z.array(z.object({ repository: z.string(), reason: z.string() })),
});
export type JobGitAccess = z.infer<typeof jobGitAccessResponse>;
