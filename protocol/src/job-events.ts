// A job's events: one schema per event type, written by the supervisor's run
// (supervisor/runner/job-events.ts builds them) and read by the platform's live job view
// (lib/jobs/event-feed.ts parses them). Every payload names its stage (the stage id of the
// snapshot) when it belongs to one.
//
// The schemas are what a reader may rely on: fields a reader needs are required, and
// readers tolerate what older supervisors left out (a missing stage reads as null).
// Unknown types and unreadable payloads are the reader's to show by name, never an error.
import { z } from 'zod';
import { budgetFigures } from './budget.ts';
import { runnerImageStatus } from './runner-image.ts';

/** An event's type name is at most this long (`jobEventInput` in wire.ts refuses longer). */
export const maxEventTypeLength = 40;

const stageId = z
  .string()
  .nullish()
  .transform((s) => s ?? null);

export const stagePhases = ['started', 'resumed', 'completed', 'failed', 'stopped'] as const;
export type StagePhase = (typeof stagePhases)[number];

/** Tokens of one model in one agent run; the platform prices them (protocol/src/models.ts). */
export const usagePayload = z.object({
  stage: stageId,
  model: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  /** The CLI's own figure at list prices, kept beside the platform's metering as a check. */
  costUsd: z.number().nullish(),
  /** Summed from the messages seen: the run ended without the CLI's final count (e.g. Stop). */
  partial: z.boolean().optional(),
});

/** A pull request the job opened; also listed in the finished job's `result.pullRequests`. */
export const pullRequestPayload = z.object({ repository: z.string(), url: z.string(), number: z.number(), branch: z.string().optional() });

export const jobEventPayloads = {
  // ── from the agent (supervisor/agent/transcript.ts) ──
  /** The agent's session started (bookkeeping: not shown in the feed). */
  session: z.object({
    stage: stageId,
    sessionId: z.string(),
    model: z.string().optional(),
    resumed: z.boolean(),
    tools: z.array(z.string()),
    mcpServers: z.array(z.object({ name: z.string(), status: z.string() })),
    skills: z.array(z.string()),
  }),
  /** A whole text block of the agent; `message` names the streamed message it completes (its `text_delta`s). */
  text: z.object({ stage: stageId, text: z.string(), message: z.string().optional() }),
  /**
   * A piece of a message as the model streams it (`--include-partial-messages`); the message's
   * `text` event repeats it whole. The feed merges a message's deltas; compaction drops them.
   */
  text_delta: z.object({ stage: stageId, message: z.string(), text: z.string() }),
  tool_call: z.object({ stage: stageId, id: z.string().nullish(), name: z.string(), input: z.unknown() }),
  tool_result: z.object({ stage: stageId, toolUseId: z.string().nullish(), content: z.string(), isError: z.boolean().default(false) }),
  permission_denied: z.object({ stage: stageId, tool: z.string(), toolUseId: z.string().nullish(), input: z.unknown() }),
  usage: usagePayload,
  error: z.object({
    stage: stageId,
    message: z.string(),
    /** The model API failed and Claude Code retries on its own. */
    retrying: z.boolean().optional(),
    attempt: z.number().nullish(),
    /** The API's error kind when the agent's text is an error message. */
    kind: z.string().optional(),
  }),
  result: z.object({
    stage: stageId,
    isError: z.boolean(),
    terminalReason: z.string().nullish(),
    numTurns: z.number().nullish(),
    text: z.string().default(''),
    costUsd: z.number().nullish(),
    durationMs: z.number().nullish(),
  }),

  // ── from the runner (supervisor/runner/) ──
  stage: z.object({
    stage: z.string(),
    name: z.string(),
    phase: z.enum(stagePhases),
    /** Why a stage failed. */
    reason: z.string().optional(),
    role: z.string().optional(),
    model: z.string().optional(),
    /** The agent session a completed stage can be resumed from. */
    sessionId: z.string().nullish(),
  }),
  /** The plan a stage that requires approval waits on (the previous step's output). */
  plan: z.object({ stage: stageId, plan: z.string(), fromStages: z.array(z.string()).optional() }),
  question: z.object({ stage: stageId, question: z.string() }),
  validation: z.object({ stage: stageId, command: z.string(), passed: z.boolean(), exitCode: z.number(), output: z.string().default(''), attempt: z.number() }),
  /**
   * A repository's setup command (supervisor/runner/setup-layer.ts): `running` events carry its
   * output as it comes (only the lines since the last one), then one `passed` or `failed` the rest.
   */
  setup: z.object({
    repository: z.string(),
    command: z.string(),
    state: z.enum(['running', 'passed', 'failed']),
    output: z.string().default(''),
    exitCode: z.number().nullish(),
  }),
  /** The setup layer the job's stages run in: being built, built, or reused from an earlier job with the same inputs. */
  setup_layer: z.object({ state: z.enum(['building', 'built', 'reused']), image: z.string(), imageId: z.string().nullish(), commands: z.number() }),
  pull_request: pullRequestPayload,
  notice: z.object({ stage: stageId, message: z.string() }),
  /**
   * The job's budget (job-wide, supervisor/runner/budget.ts): a figure passed the warning
   * threshold, reached its cap (the job waits for a person), or the person raised it.
   */
  budget: z.object({
    state: z.enum(['warning', 'reached', 'raised']),
    message: z.string(),
    figure: z.enum(budgetFigures).nullish(),
    usage: z.object({ costUsd: z.number(), inputTokens: z.number(), outputTokens: z.number(), turns: z.number() }),
    limits: z.object({ maxCostUsd: z.number().nullable(), maxInputTokens: z.number().nullable(), maxOutputTokens: z.number().nullable(), maxTurns: z.number().nullable() }),
  }),
  /** The job waits for the runner image the supervisor is preparing (then a `ready` or `failed` one). */
  runner_image: runnerImageStatus,
  /** Every 30 s while a stage runs: what the job did so far, as one readable line and as figures. */
  progress: z.object({
    summary: z.string(),
    filesTouched: z.array(z.string()).default([]),
    commandsRun: z.number().default(0),
    validation: z.enum(['not_run', 'passing', 'failing']).default('not_run'),
    inputTokens: z.number().default(0),
    outputTokens: z.number().default(0),
    costUsd: z.number().default(0),
  }),
  /**
   * "Diminishing returns": the stage's last model turns each produced under `threshold` output
   * tokens (supervisor/runner/diminishing-returns.ts). Flags the job (job.diminishing_returns_at).
   */
  diminishing_returns: z.object({ stage: stageId, message: z.string(), outputTokens: z.array(z.number()), threshold: z.number() }),
};

export type JobEventType = keyof typeof jobEventPayloads;
export const jobEventTypes = Object.keys(jobEventPayloads) as JobEventType[];
/** Events the runner writes itself; the others come from the agent's transcript (`error` from both). */
export const runnerEventTypes = ['stage', 'plan', 'question', 'validation', 'setup', 'setup_layer', 'pull_request', 'notice', 'progress', 'budget', 'runner_image', 'diminishing_returns'] as const satisfies readonly JobEventType[];
/** A payload as a reader gets it (defaults filled, a missing stage as null). */
export type JobEventPayload<T extends JobEventType> = z.output<(typeof jobEventPayloads)[T]>;
/** A payload as a writer may send it. */
export type JobEventPayloadInput<T extends JobEventType> = z.input<(typeof jobEventPayloads)[T]>;
export type TypedJobEvent<T extends JobEventType = JobEventType> = { type: T; payload: JobEventPayloadInput<T> };

/** One event of a known type, its payload checked against the type's schema when compiled. */
export function jobEventOf<T extends JobEventType>(type: T, payload: JobEventPayloadInput<T>): TypedJobEvent<T> {
  return { type, payload };
}

/** The payload read with its type's schema, or null when it does not fit (show the event by name). */
export function readJobEvent<T extends JobEventType>(type: T, payload: unknown): JobEventPayload<T> | null {
  const parsed = jobEventPayloads[type].safeParse(payload);
  return parsed.success ? (parsed.data as JobEventPayload<T>) : null;
}

/**
 * Where an epic run's branch stands in a repository after a job of the run (wire.ts epicRunPart):
 * a reset's base commit, the commit a sub-run landed, the head a closing job opened its pull request from.
 */
export const epicBranchHead = z.object({ repository: z.string(), branch: z.string(), commit: z.string() });
export type EpicBranchHead = z.infer<typeof epicBranchHead>;

/** A Completed job's `result` as the runner reports it: the pull requests it opened; an epic run's job, its branch's heads. */
export const jobResult = z.object({ pullRequests: z.array(pullRequestPayload).default([]), epicBranch: z.array(epicBranchHead).optional() });
