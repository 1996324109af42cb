// The live job view's reading of a job's events (rows of job_event, shapes in
// protocol/src/job-events.ts, written by the supervisor): feed items in order, stage states,
// the request a paused job waits on, and token usage with cache figures. No React here: the
// runs panel and the job lists reuse the usage sums.
import { listPriceUsd } from '@spedy/protocol/models';
import { addSaving, cacheSaving, noSaving, type CacheSaving } from '../analytics/cache-saving.ts';
import { jobResult, readJobEvent, type JobEventPayload, type JobEventType } from '@spedy/protocol/job-events';
import { jobActionSentence } from './job-actions.ts';

/** `createdAt`: when the platform stored it (its clock), which places people's actions among the events. */
export type JobEventRow = { seq: number; type: string; payload: unknown; createdAt?: number | null };
/** A person's action on the job (job_action), with its actor's name. */
export type JobActionRow = { id: string; action: string; text: string | null; createdAt: number; actor?: { name: string | null } | null | undefined };

type Base = {
  seq: number;
  stage: string | null;
  /** The newest event this item shows when it coalesces several (a message's deltas, a call and its result); its seq otherwise. */
  lastSeq?: number;
};
/** What a tool answered, shown folded inside its call's row. */
export type ToolResultView = { content: string; isError: boolean };
export type FeedItem = Base &
  (
    /** `streaming` while the text is built from the message's deltas, before its whole `text` arrived. */
    | { kind: 'text'; text: string; streaming?: boolean }
    | { kind: 'tool_call'; name: string; summary: string; result?: ToolResultView }
    /** A result whose call is not in the feed (older than what it holds). */
    | { kind: 'tool_result'; toolName: string | null; content: string; isError: boolean }
    | { kind: 'permission_denied'; tool: string; summary: string }
    | { kind: 'error'; message: string }
    | { kind: 'result'; isError: true; text: string }
    | { kind: 'stage'; name: string; phase: JobEventPayload<'stage'>['phase']; reason: string | null }
    | { kind: 'plan'; plan: string }
    | { kind: 'question'; question: string }
    | ({ kind: 'validation' } & Omit<JobEventPayload<'validation'>, 'stage'>)
    | ({ kind: 'pull_request' } & JobEventPayload<'pull_request'>)
    /** A setup command: its output so far (the end of it), then how it ended. */
    | { kind: 'setup'; repository: string; command: string; state: JobEventPayload<'setup'>['state']; output: string; exitCode: number | null }
    | ({ kind: 'setup_layer' } & JobEventPayload<'setup_layer'>)
    | { kind: 'notice'; message: string }
    /** The runner image's preparation the job waited for: its latest word (preparing, ready or failed). */
    | { kind: 'runner_image'; status: JobEventPayload<'runner_image'> }
    /**
     * What a person did ("Dana approved the plan"): not an event of the runner, so its seq is
     * fractional, just after the event before it (withJobActions).
     */
    | { kind: 'action'; id: string; action: string; sentence: string; at: number }
    /** A type this view does not know yet (or a payload it cannot read): shown by name. */
    | { kind: 'other'; type: string }
  );

/** The newest event an item shows. */
export function lastSeqOf(item: FeedItem): number {
  return item.lastSeq ?? item.seq;
}

/** Event types that are bookkeeping, not part of the feed (usage has its own panel). */
const hiddenTypes = new Set<string>(['session', 'usage'] satisfies JobEventType[]);

/** How much of a setup command's output the feed keeps while it grows. */
const setupOutputChars = 8_000;

/** The fields of a tool's input worth a glance, in order of preference. */
const summaryKeys = ['file_path', 'command', 'pattern', 'path', 'url', 'query', 'question', 'body', 'title', 'description', 'prompt'];
const summaryLength = 160;

/** A one-line gist of a tool's input: the file path, the command, the pattern… */
export function summarizeToolInput(input: unknown): string {
  if (input == null || typeof input !== 'object') return typeof input === 'string' ? oneLine(input) : '';
  const record = input as Record<string, unknown>;
  const key = summaryKeys.find((k) => typeof record[k] === 'string' && record[k] !== '');
  if (!key) return '';
  const value = oneLine(record[key] as string);
  // Grep and Glob search somewhere: the pattern alone hides where.
  return key === 'pattern' && typeof record.path === 'string' ? `${value} in ${record.path}` : value;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= summaryLength ? line : `${line.slice(0, summaryLength - 1)}…`;
}

function sortedBySeq(rows: readonly JobEventRow[]): JobEventRow[] {
  return [...rows].sort((a, b) => a.seq - b.seq);
}

/** One row read on its own; how it joins its neighbours is toFeedItems's business. */
type ReadRow =
  | { item: FeedItem; toolUseId?: string; message?: string; delta?: true }
  | 'skip'
  | null;

// A row never changes once stored, and the live view reads the same rows again on every
// update: each is parsed once.
const readRows = new WeakMap<JobEventRow, ReadRow>();

function readRow(row: JobEventRow): ReadRow {
  let read = readRows.get(row);
  if (read === undefined) {
    read = toFeedItem(row);
    readRows.set(row, read);
  }
  return read;
}

/**
 * The feed, oldest first, whatever order the rows came in. Events that arrive faster than a
 * person reads are coalesced: a message's streamed deltas are one text item (its whole
 * `text`, once it arrives, takes their place), and a tool's result is folded into its call.
 */
export function toFeedItems(rows: readonly JobEventRow[]): FeedItem[] {
  const items: FeedItem[] = [];
  const calls = new Map<string, number>(); // tool use id → index of its call
  const messages = new Map<string, number>(); // message id → index of its text
  for (const row of sortedBySeq(rows)) {
    if (hiddenTypes.has(row.type)) continue;
    const read = readRow(row);
    if (read === 'skip') continue;
    if (read === null) {
      items.push({ kind: 'other', type: row.type, seq: row.seq, stage: null });
      continue;
    }
    const { item } = read;
    const previous = items.at(-1);
    const at = read.message === undefined ? undefined : messages.get(read.message);
    const earlier = at === undefined ? undefined : items[at];
    if (earlier?.kind === 'text' && item.kind === 'text') {
      items[at!] = read.delta
        ? { ...earlier, text: earlier.text + item.text, lastSeq: row.seq }
        : { ...item, seq: earlier.seq, lastSeq: row.seq };
      continue;
    }
    const callAt = item.kind === 'tool_result' && read.toolUseId ? calls.get(read.toolUseId) : undefined;
    const call = callAt === undefined ? undefined : items[callAt];
    if (call?.kind === 'tool_call' && item.kind === 'tool_result' && !call.result) {
      items[callAt!] = { ...call, result: { content: item.content, isError: item.isError }, lastSeq: row.seq };
      continue;
    }
    // A setup command's output arrives in parts while it runs: one line per command, growing.
    if (item.kind === 'setup' && previous?.kind === 'setup' && previous.state === 'running' && previous.command === item.command && previous.repository === item.repository) {
      const output = [previous.output, item.output].filter(Boolean).join('\n');
      items[items.length - 1] = { ...item, seq: previous.seq, lastSeq: row.seq, output: output.length <= setupOutputChars ? output : `…${output.slice(-setupOutputChars)}` };
      continue;
    }
    // "Preparing runner image — 0:41" becomes "Runner image ready after 0:52" in place: one line per wait.
    if (item.kind === 'runner_image' && previous?.kind === 'runner_image' && previous.status.startedAt === item.status.startedAt) {
      items[items.length - 1] = { ...item, seq: previous.seq, lastSeq: row.seq };
      continue;
    }
    if (read.message !== undefined) messages.set(read.message, items.length);
    if (item.kind === 'tool_call' && read.toolUseId) calls.set(read.toolUseId, items.length);
    items.push(item);
  }
  return items;
}

function toFeedItem(row: JobEventRow): ReadRow {
  const { seq, type, payload } = row;
  const plain = (item: FeedItem | null) => item && { item };
  switch (type) {
    case 'text': {
      const p = readJobEvent('text', payload);
      return p && { item: { kind: 'text', seq, stage: p.stage, text: p.text }, message: p.message };
    }
    case 'text_delta': {
      const p = readJobEvent('text_delta', payload);
      return p && { item: { kind: 'text', seq, stage: p.stage, text: p.text, streaming: true }, message: p.message, delta: true };
    }
    case 'tool_call': {
      const p = readJobEvent('tool_call', payload);
      return p && { item: { kind: 'tool_call', seq, stage: p.stage, name: p.name, summary: summarizeToolInput(p.input) }, toolUseId: p.id ?? undefined };
    }
    case 'tool_result': {
      const p = readJobEvent('tool_result', payload);
      return p && { item: { kind: 'tool_result', seq, stage: p.stage, toolName: null, content: p.content, isError: p.isError }, toolUseId: p.toolUseId ?? undefined };
    }
    case 'permission_denied': {
      const p = readJobEvent('permission_denied', payload);
      return plain(p && { kind: 'permission_denied', seq, stage: p.stage, tool: p.tool, summary: summarizeToolInput(p.input) });
    }
    case 'error': {
      const p = readJobEvent('error', payload);
      return plain(p && { kind: 'error', seq, stage: p.stage, message: p.message });
    }
    case 'result': {
      // A successful result repeats the agent's last text; only a failed one is news.
      const p = readJobEvent('result', payload);
      return p && (p.isError ? { item: { kind: 'result', seq, stage: p.stage, isError: true, text: p.text } } : 'skip');
    }
    case 'stage': {
      const p = readJobEvent('stage', payload);
      return plain(p && { kind: 'stage', seq, stage: p.stage, name: p.name, phase: p.phase, reason: p.reason ?? null });
    }
    case 'plan': {
      const p = readJobEvent('plan', payload);
      return plain(p && { kind: 'plan', seq, stage: p.stage, plan: p.plan });
    }
    case 'question': {
      const p = readJobEvent('question', payload);
      return plain(p && { kind: 'question', seq, stage: p.stage, question: p.question });
    }
    case 'validation': {
      const p = readJobEvent('validation', payload);
      return plain(p && { ...p, kind: 'validation', seq });
    }
    case 'setup': {
      const p = readJobEvent('setup', payload);
      return plain(p && { kind: 'setup', seq, stage: null, repository: p.repository, command: p.command, state: p.state, output: p.output, exitCode: p.exitCode ?? null });
    }
    case 'setup_layer': {
      const p = readJobEvent('setup_layer', payload);
      return plain(p && { ...p, kind: 'setup_layer', seq, stage: null });
    }
    case 'pull_request': {
      const p = readJobEvent('pull_request', payload);
      return plain(p && { ...p, kind: 'pull_request', seq, stage: null });
    }
    case 'notice': {
      const p = readJobEvent('notice', payload);
      return plain(p && { kind: 'notice', seq, stage: p.stage, message: p.message });
    }
    case 'budget': {
      const p = readJobEvent('budget', payload);
      return plain(p && { kind: 'notice', seq, stage: null, message: p.message });
    }
    case 'runner_image': {
      const p = readJobEvent('runner_image', payload);
      return plain(p && { kind: 'runner_image', seq, stage: null, status: p });
    }
    case 'diminishing_returns': {
      const p = readJobEvent('diminishing_returns', payload);
      return plain(p && { kind: 'notice', seq, stage: p.stage, message: p.message });
    }
    case 'progress':
      // Shown at the top of the job page (latestProgress), not in the feed.
      return 'skip';
    default:
      return null;
  }
}

/**
 * The feed with people's actions merged in by time: each action goes after the last event the
 * platform stored before it (both are the platform's clock). The supervisor's sequence stays
 * its own; an action's seq is the event's before it plus a fraction, so keys and "newest"
 * keep working on seq.
 */
export function withJobActions(items: readonly FeedItem[], events: readonly JobEventRow[], actions: readonly JobActionRow[]): FeedItem[] {
  if (actions.length === 0) return [...items];
  const storedAt = new Map(events.map((row) => [row.seq, row.createdAt ?? 0]));
  const pending = [...actions].sort((a, b) => a.createdAt - b.createdAt);
  const merged: FeedItem[] = [];
  let next = 0;
  const placeUntil = (time: number) => {
    const before = merged.at(-1)?.seq ?? 0;
    const base = Math.floor(before);
    let placed = Math.round((before - base) * 1000);
    while (next < pending.length && pending[next]!.createdAt < time) {
      const action = pending[next++]!;
      placed++;
      merged.push({
        kind: 'action',
        seq: base + placed / 1000,
        stage: null,
        id: action.id,
        action: action.action,
        sentence: jobActionSentence(action.actor?.name, action.action, action.text),
        at: action.createdAt,
      });
    }
  };
  for (const item of items) {
    placeUntil(storedAt.get(item.seq) ?? 0);
    merged.push(item);
  }
  placeUntil(Number.POSITIVE_INFINITY);
  return merged;
}

/** The newest progress summary (the runner sends one every 30 s while a stage runs). */
export function latestProgress(rows: readonly JobEventRow[]): JobEventPayload<'progress'> | null {
  const latest = sortedBySeq(rows).reverse().find((row) => row.type === 'progress');
  return latest ? readJobEvent('progress', latest.payload) : null;
}

// ── Stages ─────────────────────────────────────────────────────────────────────
export type StageState = 'pending' | 'running' | 'awaiting_answer' | 'awaiting_approval' | 'completed' | 'failed' | 'stopped';
export type StageView = { id: string; name: string; state: StageState; reason: string | null };

/**
 * Each stage of the pipeline (from the job's snapshot) with the state its latest event gives
 * it; the stage whose question the job waits on (pendingRequest) is awaiting an answer.
 */
export function stageStates(stages: readonly { id: string; name: string }[], rows: readonly JobEventRow[], pending: PendingRequest = null): StageView[] {
  const views = new Map<string, StageView>(stages.map((s) => [s.id, { id: s.id, name: s.name, state: 'pending', reason: null }]));
  for (const row of sortedBySeq(rows)) {
    if (row.type === 'plan') {
      const p = readJobEvent('plan', row.payload);
      const view = p?.stage ? views.get(p.stage) : undefined;
      if (view) view.state = 'awaiting_approval';
    }
    if (row.type !== 'stage') continue;
    const p = readJobEvent('stage', row.payload);
    if (!p) continue;
    const view = views.get(p.stage) ?? { id: p.stage, name: p.name, state: 'pending', reason: null };
    view.state = p.phase === 'started' || p.phase === 'resumed' ? 'running' : p.phase;
    view.reason = p.reason ?? null;
    views.set(p.stage, view);
  }
  const asking = pending?.kind === 'question' && pending.stage ? views.get(pending.stage) : undefined;
  if (asking?.state === 'running') asking.state = 'awaiting_answer';
  return [...views.values()];
}

// ── What a paused job waits on ─────────────────────────────────────────────────
export type PendingRequest =
  | { kind: 'question'; question: string; stage: string | null }
  /** `previous`: the plan this one revises (after Request changes), to show beside it. */
  | { kind: 'plan'; plan: string; stage: string | null; previous: string | null }
  /** Paused at a budget cap: the figures, and the limits it reached. */
  | ({ kind: 'budget'; stage: null } & Omit<JobEventPayload<'budget'>, 'state'>)
  | null;

/**
 * While a job is Waiting for Input, the latest question or plan is what it waits on. A
 * question wins the panel (the spec's amber "Answers required"): approval waits until it
 * is answered. A budget cap reached pauses the job the same way (supervisor/runner/budget.ts).
 */
export function pendingRequest(status: string, rows: readonly JobEventRow[]): PendingRequest {
  if (status !== 'waiting_for_input') return null;
  const latest = sortedBySeq(rows)
    .reverse()
    .find((row) => row.type === 'question' || row.type === 'plan' || (row.type === 'budget' && readJobEvent('budget', row.payload)?.state === 'reached'));
  if (latest?.type === 'budget') {
    const { state: _state, ...p } = readJobEvent('budget', latest.payload)!;
    return { kind: 'budget', stage: null, ...p };
  }
  if (latest?.type === 'question') {
    const p = readJobEvent('question', latest.payload);
    return p && { kind: 'question', question: p.question, stage: p.stage };
  }
  if (latest?.type === 'plan') {
    const p = readJobEvent('plan', latest.payload);
    return p && { kind: 'plan', plan: p.plan, stage: p.stage, previous: previousPlan(rows, latest.seq, p.stage) };
  }
  return null;
}

/** The plan shown for `stage` before the one at `seq` (the one a Request changes sent back), or null. */
function previousPlan(rows: readonly JobEventRow[], seq: number, stage: string | null): string | null {
  const earlier = sortedBySeq(rows)
    .filter((row) => row.type === 'plan' && row.seq < seq)
    .map((row) => readJobEvent('plan', row.payload))
    .filter((p) => p?.stage === stage);
  return earlier.at(-1)?.plan ?? null;
}

// ── Usage ──────────────────────────────────────────────────────────────────────
export type UsageTotals = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** USD: the CLI's own figure where it gave one, else list prices (protocol/src/models.ts). */
  costUsd: number;
  /** Some usage had neither a figure nor a known model, so costUsd is too low. */
  costIncomplete: boolean;
  /** Some usage was summed from messages because the run was stopped before its final count. */
  partial: boolean;
  /** What the prompt cache saved, priced per model (lib/analytics/cache-saving.ts). */
  saving: CacheSaving;
};

export const emptyUsage: UsageTotals = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, costIncomplete: false, partial: false, saving: noSaving };

/** A usage's cost in USD: the CLI's own figure where it gave one, else list prices; null when neither exists. */
export function usageCostUsd(usage: JobEventPayload<'usage'>): number | null {
  return usage.costUsd ?? listPriceUsd(usage);
}

function add(total: UsageTotals, usage: JobEventPayload<'usage'>): UsageTotals {
  const cost = usageCostUsd(usage);
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    cacheReadTokens: total.cacheReadTokens + usage.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + usage.cacheWriteTokens,
    costUsd: total.costUsd + (cost ?? 0),
    costIncomplete: total.costIncomplete || cost == null,
    partial: total.partial || usage.partial === true,
    saving: addSaving(total.saving, cacheSaving(usage)),
  };
}

/**
 * The job's usage and each stage's, summed over its `usage` events (one per model per
 * agent run; a resumed run reports its own tokens, so they add up).
 */
export function usageTotals(rows: readonly JobEventRow[]): { job: UsageTotals; byStage: Map<string, UsageTotals> } {
  let job = emptyUsage;
  const byStage = new Map<string, UsageTotals>();
  for (const row of rows) {
    if (row.type !== 'usage') continue;
    const usage = readJobEvent('usage', row.payload);
    if (!usage) continue;
    job = add(job, usage);
    if (usage.stage) byStage.set(usage.stage, add(byStage.get(usage.stage) ?? emptyUsage, usage));
  }
  return { job, byStage };
}

/**
 * Share of input tokens served from the prompt cache, 0–1, or null before any input.
 * Definition (the spec's "cache read tokens divided by total input tokens"): total input =
 * uncached input + cache read + cache write, since the API reports the three apart and
 * each is input the model processed.
 */
export function cacheHitRate(usage: Pick<UsageTotals, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): number | null {
  const totalInput = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return totalInput === 0 ? null : usage.cacheReadTokens / totalInput;
}

// ── The job's result ───────────────────────────────────────────────────────────
/** The pull requests a finished job opened (`job.result.pullRequests`), or none. */
export function pullRequestsOf(result: unknown): JobEventPayload<'pull_request'>[] {
  const parsed = jobResult.safeParse(result ?? {});
  return parsed.success ? parsed.data.pullRequests : [];
}
