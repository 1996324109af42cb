// The events a job's run emits for the live job view, one constructor per type. Their names
// and payload shapes are the schemas of protocol/src/job-events.ts, which the platform's feed
// parses with; here the supervisor decides what goes in. Long strings are cut on the way
// out (streamer/event-payload.ts), after masking: a secret cut in half would not be found.
import { diminishingReturnsMessage, lowOutputTokens } from './diminishing-returns.ts';
import { jobEventOf, type JobEventPayloadInput, type StagePhase, type TypedJobEvent } from '@spedy/protocol/job-events';

/** Long strings (a written file, a command's output) are cut to this many characters. */
export const maxEventTextLength = 8_000;
/** A plan is read whole before it is approved. */
export const maxPlanLength = 32_000;

export function clip(text: string, max = maxEventTextLength): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export interface StageUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The CLI's own figure at list prices, kept beside the platform's metering as a check. */
  costUsd?: number;
  /** Summed from the messages seen: the run ended without the CLI's final count (e.g. Stop). */
  partial?: boolean;
}

type Details<T extends 'stage' | 'error'> = Omit<JobEventPayloadInput<T>, 'stage' | 'name' | 'phase' | 'message'>;

export const jobEvent = {
  // ── from the agent (agent/transcript.ts) ──
  session: (stage: string, sessionId: string, details: { model?: string; resumed: boolean; tools: string[]; mcpServers: { name: string; status: string }[]; skills: string[] }): TypedJobEvent<'session'> =>
    jobEventOf('session', { stage, sessionId, ...details }),
  text: (stage: string, text: string): TypedJobEvent<'text'> => jobEventOf('text', { stage, text }),
  /** A streamed piece of message `message` (nothing emits these yet: the CLI runs without --include-partial-messages). */
  textDelta: (stage: string, message: string, text: string): TypedJobEvent<'text_delta'> => jobEventOf('text_delta', { stage, message, text: clip(text) }),
  toolCall: (stage: string, id: string, name: string, input: unknown): TypedJobEvent<'tool_call'> => jobEventOf('tool_call', { stage, id, name, input }),
  toolResult: (stage: string, toolUseId: string, content: string, isError: boolean): TypedJobEvent<'tool_result'> =>
    jobEventOf('tool_result', { stage, toolUseId, content, isError }),
  permissionDenied: (stage: string, tool: string, toolUseId: string | undefined, input: unknown): TypedJobEvent<'permission_denied'> =>
    jobEventOf('permission_denied', { stage, tool, toolUseId: toolUseId ?? null, input: input ?? null }),
  usage: (stage: string, usage: StageUsage): TypedJobEvent<'usage'> => jobEventOf('usage', { stage, ...usage }),
  error: (stage: string | null, message: string, details: Details<'error'> = {}): TypedJobEvent<'error'> =>
    jobEventOf('error', { stage, message, ...details }),
  result: (
    stage: string,
    result: { isError: boolean; terminalReason: string | null; numTurns: number | null; text: string; costUsd: number | null; durationMs: number | null },
  ): TypedJobEvent<'result'> => jobEventOf('result', { stage, ...result }),

  // ── from the runner ──
  stage: (stage: string, name: string, phase: StagePhase, details: Details<'stage'> = {}): TypedJobEvent<'stage'> => jobEventOf('stage', { stage, name, phase, ...details }),
  /** The plan a stage that requires approval waits on (the previous step's output). */
  plan: (stage: string, plan: string, fromStages: string[]): TypedJobEvent<'plan'> => jobEventOf('plan', { stage, plan, fromStages }),
  question: (stage: string, question: string): TypedJobEvent<'question'> => jobEventOf('question', { stage, question }),
  validation: (stage: string, check: { command: string; passed: boolean; exitCode: number; output: string; attempt: number }): TypedJobEvent<'validation'> =>
    jobEventOf('validation', { stage, ...check }),
  /** A setup command's output as it comes, then how it ended (setup-layer.ts). */
  setup: (setup: JobEventPayloadInput<'setup'>): TypedJobEvent<'setup'> => jobEventOf('setup', setup),
  setupLayer: (layer: JobEventPayloadInput<'setup_layer'>): TypedJobEvent<'setup_layer'> => jobEventOf('setup_layer', layer),
  pullRequest: (pr: { repository: string; url: string; number: number; branch: string }): TypedJobEvent<'pull_request'> => jobEventOf('pull_request', pr),
  notice: (message: string, stage: string | null = null): TypedJobEvent<'notice'> => jobEventOf('notice', { stage, message }),
  /** The job's budget: a warning, a cap reached, a raise (budget.ts). */
  budget: (budget: JobEventPayloadInput<'budget'>): TypedJobEvent<'budget'> => jobEventOf('budget', budget),
  /** The progress summary (progress.ts). */
  progress: (progress: JobEventPayloadInput<'progress'>): TypedJobEvent<'progress'> => jobEventOf('progress', progress),
  /** The job waits for the runner image (image/preparation.ts). */
  runnerImage: (status: JobEventPayloadInput<'runner_image'>): TypedJobEvent<'runner_image'> => jobEventOf('runner_image', status),
  /** Low-output turns in a row (diminishing-returns.ts). */
  diminishingReturns: (stage: string, outputTokens: number[]): TypedJobEvent<'diminishing_returns'> =>
    jobEventOf('diminishing_returns', { stage, message: diminishingReturnsMessage(outputTokens), outputTokens, threshold: lowOutputTokens }),
};
