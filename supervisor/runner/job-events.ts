// The events a job's run emits for the live job view, one constructor per type, so the
// names and payload shapes live in one place. Every payload names its stage (the stage
// id of the snapshot) when it belongs to one.
// (When the browser renders them, these shapes move to lib/runner-api beside the wire types.)
import type { JobEvent } from './job-context.ts';

/** Long strings (a written file, a command's output) are cut to this many characters. */
export const maxEventTextLength = 8_000;

export function clip(text: string, max = maxEventTextLength): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Tool input with long strings cut, so a Write of a large file does not make a large event. */
function clipStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clip(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => clipStrings(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clipStrings(item, depth + 1)]));
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

export const jobEvent = {
  // ── from the agent (agent/transcript.ts) ──
  session: (stage: string, sessionId: string, details: { model?: string; resumed: boolean; tools: string[]; mcpServers: { name: string; status: string }[]; skills: string[] }): JobEvent => ({
    type: 'session',
    payload: { stage, sessionId, ...details },
  }),
  text: (stage: string, text: string): JobEvent => ({ type: 'text', payload: { stage, text: clip(text) } }),
  toolCall: (stage: string, id: string, name: string, input: unknown): JobEvent => ({
    type: 'tool_call',
    payload: { stage, id, name, input: clipStrings(input) },
  }),
  toolResult: (stage: string, toolUseId: string, content: string, isError: boolean): JobEvent => ({
    type: 'tool_result',
    payload: { stage, toolUseId, content: clip(content), isError },
  }),
  permissionDenied: (stage: string, tool: string, toolUseId: string | undefined, input: unknown): JobEvent => ({
    type: 'permission_denied',
    payload: { stage, tool, toolUseId: toolUseId ?? null, input: clipStrings(input ?? null) },
  }),
  usage: (stage: string, usage: StageUsage): JobEvent => ({ type: 'usage', payload: { stage, ...usage } }),
  error: (stage: string | null, message: string, details: Record<string, unknown> = {}): JobEvent => ({
    type: 'error',
    payload: { stage, message: clip(message), ...details },
  }),
  result: (
    stage: string,
    result: { isError: boolean; terminalReason: string | null; numTurns: number | null; text: string; costUsd: number | null; durationMs: number | null },
  ): JobEvent => ({ type: 'result', payload: { stage, ...result, text: clip(result.text) } }),

  // ── from the runner ──
  stage: (stage: string, name: string, phase: 'started' | 'resumed' | 'completed' | 'failed' | 'stopped', details: Record<string, unknown> = {}): JobEvent => ({
    type: 'stage',
    payload: { stage, name, phase, ...details },
  }),
  /** The plan a stage that requires approval waits on (the previous step's output). */
  plan: (stage: string, plan: string, fromStages: string[]): JobEvent => ({ type: 'plan', payload: { stage, plan: clip(plan, 32_000), fromStages } }),
  question: (stage: string, question: string): JobEvent => ({ type: 'question', payload: { stage, question: clip(question) } }),
  validation: (
    stage: string,
    check: { command: string; passed: boolean; exitCode: number; output: string; attempt: number },
  ): JobEvent => ({ type: 'validation', payload: { stage, ...check, output: clip(check.output) } }),
  pullRequest: (pr: { repository: string; url: string; number: number; branch: string }): JobEvent => ({ type: 'pull_request', payload: pr }),
  notice: (message: string, stage: string | null = null): JobEvent => ({ type: 'notice', payload: { stage, message } }),
};
