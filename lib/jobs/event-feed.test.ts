import { describe, expect, it } from 'vitest';
import { listPriceUsd } from '@spedy/protocol/models';
import {
  cacheHitRate,
  lastSeqOf,
  latestProgress,
  pendingRequest,
  pullRequestsOf,
  stageStates,
  summarizeToolInput,
  toFeedItems,
  usageTotals,
  withJobActions,
  type JobActionRow,
  type JobEventRow,
} from './event-feed.ts';

let seq = 0;
const row = (type: string, payload: Record<string, unknown>): JobEventRow => ({ seq: ++seq, type, payload });

describe('toFeedItems', () => {
  it('shows a wait for the runner image as one line that turns from preparing to ready (or failed) in place', () => {
    const startedAt = 1_700_000_000_000;
    const waited = toFeedItems([
      row('runner_image', { state: 'preparing', startedAt }),
      row('runner_image', { state: 'ready', startedAt, endedAt: startedAt + 52_000 }),
      row('stage', { stage: 'impl', name: 'Implement', phase: 'started' }),
    ]);
    expect(waited.map((i) => i.kind)).toEqual(['runner_image', 'stage']);
    expect(waited[0]).toMatchObject({ kind: 'runner_image', status: { state: 'ready', endedAt: startedAt + 52_000 } });
    expect(waited[0]!.seq).toBeLessThan(waited[1]!.seq);

    const failed = toFeedItems([
      row('runner_image', { state: 'preparing', startedAt }),
      row('runner_image', { state: 'failed', startedAt, endedAt: startedAt + 5_000, reason: 'debootstrap is not installed.' }),
    ]);
    expect(failed).toMatchObject([{ kind: 'runner_image', status: { state: 'failed', reason: 'debootstrap is not installed.' } }]);
    // A second wait (the job came back after a failed preparation was tried again) is a line of its own.
    expect(toFeedItems([row('runner_image', { state: 'failed', startedAt, reason: 'x' }), row('runner_image', { state: 'preparing', startedAt: startedAt + 60_000 })])).toHaveLength(2);
  });

  it("shows each setup command as one line whose output grows while it runs, then how it ended", () => {
    const command = 'pip install -r requirements.txt';
    const items = toFeedItems([
      row('setup_layer', { state: 'building', image: 'spedy-setup:0123456789abcdef', commands: 2 }),
      row('setup', { repository: 'acme/app', command, state: 'running', output: 'Collecting requests' }),
      row('setup', { repository: 'acme/app', command, state: 'running', output: 'Downloading requests-2.32.tar.gz' }),
      row('setup', { repository: 'acme/app', command, state: 'passed', output: 'Successfully installed requests', exitCode: 0 }),
      row('setup', { repository: 'acme/app', command: 'false', state: 'failed', output: '', exitCode: 1 }),
    ]);
    expect(items.map((i) => i.kind)).toEqual(['setup_layer', 'setup', 'setup']);
    expect(items[1]).toMatchObject({ state: 'passed', exitCode: 0, output: 'Collecting requests\nDownloading requests-2.32.tar.gz\nSuccessfully installed requests' });
    expect(items[2]).toMatchObject({ command: 'false', state: 'failed', exitCode: 1 });
  });

  it('orders by seq, keeps text as written, names tool results after their call, and leaves bookkeeping out', () => {
    const rows = [
      row('session', { stage: 'impl', sessionId: 's1', resumed: false, tools: [], mcpServers: [], skills: [] }),
      row('text', { stage: 'impl', text: "I'll add hello.js\n  and run it." }),
      row('tool_call', { stage: 'impl', id: 'tu1', name: 'Write', input: { file_path: '/workspace/hello.js', content: 'x' } }),
      row('tool_result', { stage: 'impl', toolUseId: 'tu1', content: 'File created', isError: false }),
      row('usage', { stage: 'impl', model: 'claude-sonnet-4-6', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }),
    ];
    const items = toFeedItems([...rows].reverse());
    expect(items.map((i) => i.kind)).toEqual(['text', 'tool_call']);
    expect(items[0]).toMatchObject({ kind: 'text', text: "I'll add hello.js\n  and run it.", stage: 'impl' });
    expect(items[1]).toMatchObject({ kind: 'tool_call', name: 'Write', summary: '/workspace/hello.js', result: { content: 'File created', isError: false } });
  });

  it('folds a tool’s result into its call’s row, and shows a result whose call it does not hold on its own', () => {
    const call = row('tool_call', { stage: 'impl', id: 'tu9', name: 'Bash', input: { command: 'npm test' } });
    const text = row('text', { stage: 'impl', text: 'Running the tests' });
    const result = row('tool_result', { stage: 'impl', toolUseId: 'tu9', content: 'FAIL', isError: true });
    const folded = toFeedItems([call, text, result]);
    expect(folded).toMatchObject([
      { kind: 'tool_call', seq: call.seq, lastSeq: result.seq, name: 'Bash', result: { content: 'FAIL', isError: true } },
      { kind: 'text', seq: text.seq },
    ]);
    expect(lastSeqOf(folded[0]!)).toBe(result.seq);
    expect(lastSeqOf(folded[1]!)).toBe(text.seq);
    // The call is older than the rows held: the result stands alone.
    expect(toFeedItems([text, result])).toMatchObject([{ kind: 'text' }, { kind: 'tool_result', toolName: null, content: 'FAIL', isError: true }]);
    // A second result for the same call (a resent tool use) does not overwrite the first.
    const again = row('tool_result', { stage: 'impl', toolUseId: 'tu9', content: 'PASS', isError: false });
    expect(toFeedItems([call, result, again])).toMatchObject([{ kind: 'tool_call', result: { content: 'FAIL' } }, { kind: 'tool_result', content: 'PASS' }]);
  });

  it('coalesces a message’s streamed deltas into one text, which its whole text then replaces in place', () => {
    const deltas = ['Hel', 'lo ', 'wor'].map((text) => row('text_delta', { stage: 'impl', message: 'm1', text }));
    const other = row('text_delta', { stage: 'impl', message: 'm2', text: 'Second' });
    const late = row('text_delta', { stage: 'impl', message: 'm1', text: 'ld' });
    const streaming = toFeedItems([...deltas, other, late].reverse());
    expect(streaming).toEqual([
      { kind: 'text', seq: deltas[0]!.seq, lastSeq: late.seq, stage: 'impl', text: 'Hello world', streaming: true },
      { kind: 'text', seq: other.seq, stage: 'impl', text: 'Second', streaming: true },
    ]);
    const whole = row('text', { stage: 'impl', message: 'm1', text: 'Hello world!' });
    expect(toFeedItems([...deltas, other, late, whole])[0]).toEqual({ kind: 'text', seq: deltas[0]!.seq, lastSeq: whole.seq, stage: 'impl', text: 'Hello world!' });
    // Texts without a message id are blocks of their own, as before.
    expect(toFeedItems([row('text', { stage: 'impl', text: 'a' }), row('text', { stage: 'impl', text: 'b' })]).map((i) => i.kind === 'text' && i.text)).toEqual(['a', 'b']);
  });

  it('reads each stored row once, however often the live view asks again', () => {
    const rows = Array.from({ length: 3 }, (_, i) => row('text_delta', { stage: 'impl', message: 'm3', text: String(i) }));
    const first = toFeedItems(rows);
    const again = toFeedItems([...rows, row('text_delta', { stage: 'impl', message: 'm3', text: '3' })]);
    expect(first[0]).toMatchObject({ text: '012' });
    expect(again[0]).toMatchObject({ text: '0123' });
    // The merge never wrote into a row's cached item.
    expect(toFeedItems(rows.slice(0, 1))[0]).toMatchObject({ text: '0' });
  });

  it('maps every event type the runner emits (a successful result only repeats the last text)', () => {
    const items = toFeedItems([
      row('stage', { stage: 'impl', name: 'Implement', phase: 'started', role: 'executor', model: 'claude-sonnet-4-6' }),
      row('permission_denied', { stage: 'impl', tool: 'Bash', toolUseId: null, input: { command: 'rm -rf /' } }),
      row('error', { stage: null, message: 'Docker went away' }),
      row('plan', { stage: 'impl', plan: '1. Do it', fromStages: ['plan'] }),
      row('question', { stage: 'impl', question: 'Hello or Welcome?' }),
      row('validation', { stage: 'impl', command: 'npm test', passed: false, exitCode: 1, output: 'boom', attempt: 1 }),
      row('notice', { stage: null, message: 'Budget at 80%' }),
      row('diminishing_returns', { stage: 'impl', message: 'Diminishing returns: …', outputTokens: [40, 30, 20], threshold: 500 }),
      row('pull_request', { repository: 'demo/spedy-demo', url: 'http://x/pr/1', number: 1, branch: 'spedy/x' }),
      row('result', { stage: 'impl', isError: false, terminalReason: 'completed', numTurns: 3, text: 'Done', costUsd: 0.1, durationMs: 5 }),
      row('result', { stage: 'impl', isError: true, terminalReason: 'completed', numTurns: 1, text: 'API Error: 500', costUsd: 0, durationMs: 5 }),
    ]);
    expect(items).toMatchObject([
      { kind: 'stage', name: 'Implement', phase: 'started' },
      { kind: 'permission_denied', tool: 'Bash', summary: 'rm -rf /' },
      { kind: 'error', message: 'Docker went away', stage: null },
      { kind: 'plan', plan: '1. Do it' },
      { kind: 'question', question: 'Hello or Welcome?' },
      { kind: 'validation', command: 'npm test', passed: false, exitCode: 1, output: 'boom', attempt: 1 },
      { kind: 'notice', message: 'Budget at 80%' },
      { kind: 'notice', stage: 'impl', message: 'Diminishing returns: …' },
      { kind: 'pull_request', repository: 'demo/spedy-demo', number: 1, url: 'http://x/pr/1' },
      { kind: 'result', isError: true, text: 'API Error: 500' },
    ]);
  });

  it('shows unknown types and unreadable payloads by name instead of dropping them', () => {
    expect(toFeedItems([row('telemetry', { x: 1 }), row('text', { nope: true })])).toMatchObject([
      { kind: 'other', type: 'telemetry' },
      { kind: 'other', type: 'text' },
    ]);
  });
});

describe('summarizeToolInput', () => {
  it('picks the path, command or pattern, on one short line', () => {
    expect(summarizeToolInput({ command: 'node hello.js', description: 'Run it' })).toBe('node hello.js');
    expect(summarizeToolInput({ pattern: 'TODO', path: 'src' })).toBe('TODO in src');
    expect(summarizeToolInput({ question: 'Which\n greeting?' })).toBe('Which greeting?');
    expect(summarizeToolInput({ content: 'only content' })).toBe('');
    expect(summarizeToolInput({ command: 'x'.repeat(500) })).toHaveLength(160);
  });
});

describe('stageStates', () => {
  it('starts every snapshot stage as pending and follows its latest event', () => {
    const stages = [
      { id: 'plan', name: 'Plan' },
      { id: 'impl', name: 'Implement' },
      { id: 'review', name: 'Review' },
    ];
    const rows = [
      row('stage', { stage: 'plan', name: 'Plan', phase: 'started' }),
      row('stage', { stage: 'plan', name: 'Plan', phase: 'completed' }),
      row('plan', { stage: 'impl', plan: 'the plan', fromStages: ['plan'] }),
    ];
    expect(stageStates(stages, rows).map((s) => [s.id, s.state])).toEqual([
      ['plan', 'completed'],
      ['impl', 'awaiting_approval'],
      ['review', 'pending'],
    ]);
    const later = [...rows, row('stage', { stage: 'impl', name: 'Implement', phase: 'started' }), row('stage', { stage: 'impl', name: 'Implement', phase: 'failed', reason: 'Docker' })];
    expect(stageStates(stages, later)[1]).toEqual({ id: 'impl', name: 'Implement', state: 'failed', reason: 'Docker' });
    const asking = [...rows, row('stage', { stage: 'impl', name: 'Implement', phase: 'started' }), row('question', { stage: 'impl', question: 'Which?' })];
    expect(stageStates(stages, asking, pendingRequest('waiting_for_input', asking))[1].state).toBe('awaiting_answer');
    expect(stageStates(stages, asking, pendingRequest('running', asking))[1].state).toBe('running');
  });
});

describe('pendingRequest', () => {
  const rows = [row('plan', { stage: 'impl', plan: 'the plan' }), row('question', { stage: 'impl', question: 'Hello or Welcome?' })];
  it('is the latest question or plan while Waiting for Input, and nothing otherwise', () => {
    expect(pendingRequest('waiting_for_input', rows)).toEqual({ kind: 'question', question: 'Hello or Welcome?', stage: 'impl' });
    expect(pendingRequest('waiting_for_input', rows.slice(0, 1))).toEqual({ kind: 'plan', plan: 'the plan', stage: 'impl', previous: null });
    expect(pendingRequest('running', rows)).toBeNull();
    expect(pendingRequest('waiting_for_input', [])).toBeNull();
  });
});

describe('usage', () => {
  const usage = (stage: string, u: Record<string, unknown>) => row('usage', { stage, model: 'claude-sonnet-4-6', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...u });

  it('sums the job and each stage, preferring the CLI’s cost and pricing the rest at list prices', () => {
    const { job, byStage } = usageTotals([
      usage('plan', { inputTokens: 1470, outputTokens: 190, cacheReadTokens: 18350, cacheWriteTokens: 9350, costUsd: 0.05 }),
      usage('impl', { inputTokens: 1_000_000, outputTokens: 0 }),
      usage('impl', { inputTokens: 10, partial: true, costUsd: 0.01 }),
      row('text', { stage: 'impl', text: 'not usage' }),
    ]);
    expect(job).toMatchObject({ inputTokens: 1_001_480, outputTokens: 190, cacheReadTokens: 18350, cacheWriteTokens: 9350, partial: true, costIncomplete: false });
    expect(job.costUsd).toBeCloseTo(0.05 + 3 + 0.01);
    expect(byStage.get('plan')).toMatchObject({ inputTokens: 1470, partial: false });
    expect(byStage.get('impl')?.costUsd).toBeCloseTo(3.01);
  });

  it('marks the cost incomplete for a model without a price or figure', () => {
    expect(usageTotals([row('usage', { stage: 's', model: 'scripted-1', inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 })]).job.costIncomplete).toBe(true);
    expect(listPriceUsd({ model: 'claude-haiku-4-5', inputTokens: 0, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 0 })).toBeCloseTo(5.1);
  });

  it('computes the cache hit rate as cache read over input + cache read + cache write', () => {
    expect(cacheHitRate({ inputTokens: 1470, cacheReadTokens: 18350, cacheWriteTokens: 9350 })).toBeCloseTo(18350 / 29170);
    expect(cacheHitRate({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBeNull();
  });
});

describe('pullRequestsOf', () => {
  it('reads the pull requests of a job result, and none from anything else', () => {
    const pr = { repository: 'demo/spedy-demo', url: 'http://x/pr/1', number: 1, branch: 'spedy/x' };
    expect(pullRequestsOf({ pullRequests: [pr], other: 1 })).toEqual([pr]);
    expect(pullRequestsOf(null)).toEqual([]);
    expect(pullRequestsOf({ pullRequests: 'nope' })).toEqual([]);
  });
});

describe('latestProgress', () => {
  it('is the newest progress summary, kept out of the feed', () => {
    const rows = [row('progress', { summary: 'first' }), row('notice', { message: 'hi' }), row('progress', { summary: 'second', commandsRun: 2 })];
    expect(latestProgress(rows)).toMatchObject({ summary: 'second', commandsRun: 2, validation: 'not_run' });
    expect(toFeedItems(rows).map((item) => item.kind)).toEqual(['notice']);
    expect(latestProgress([])).toBeNull();
  });
});

describe('a revised plan', () => {
  it('waits with the plan it revises, of the same stage, to show beside it', () => {
    const rows = [
      row('plan', { stage: 'build', plan: 'first', fromStages: ['plan'] }),
      row('plan', { stage: 'other', plan: 'elsewhere', fromStages: [] }),
      row('stage', { stage: 'plan', name: 'Plan', phase: 'resumed' }),
      row('plan', { stage: 'build', plan: 'second', fromStages: ['plan'] }),
    ];
    expect(pendingRequest('waiting_for_input', rows)).toEqual({ kind: 'plan', plan: 'second', stage: 'build', previous: 'first' });
    expect(pendingRequest('waiting_for_input', rows.slice(0, 1))).toMatchObject({ plan: 'first', previous: null });
  });
});

describe('withJobActions', () => {
  const at = (seconds: number) => 1_700_000_000_000 + seconds * 1000;
  const events: JobEventRow[] = [
    { seq: 1, type: 'stage', payload: { stage: 'impl', name: 'Implement', phase: 'started' }, createdAt: at(1) },
    { seq: 2, type: 'question', payload: { stage: 'impl', question: 'Hello or Welcome?' }, createdAt: at(2) },
    { seq: 3, type: 'text', payload: { stage: 'impl', text: 'Going on.' }, createdAt: at(10) },
  ];
  const action = (id: string, kind: string, seconds: number, name: string | null, text: string | null = null): JobActionRow => ({
    id,
    action: kind,
    text,
    createdAt: at(seconds),
    actor: name === null ? null : { name },
  });

  it('places each action after the last event stored before it, oldest first, with who did it', () => {
    const merged = withJobActions(toFeedItems(events), events, [action('b', 'stopped', 12, 'Sam'), action('a', 'answered', 5, 'Dana', 'Welcome')]);
    expect(merged.map((item) => (item.kind === 'action' ? item.sentence : item.kind))).toEqual([
      'stage',
      'question',
      'Dana answered: “Welcome”',
      'text',
      'Sam stopped the job',
    ]);
    // Between events 2 and 3, and after 3: keys and "newest" still work on seq.
    expect(merged.map((item) => item.seq)).toEqual([1, 2, 2.001, 3, 3.001]);
  });

  it('keeps several actions between the same two events apart and in order, and names a person who left as someone', () => {
    const merged = withJobActions(toFeedItems(events), events, [action('x', 'approved', 3, 'Ann'), action('y', 'set_budget', 4, null, 'cost $12.00'), action('z', 'teleported', 4.5, 'Ann')]);
    const actions = merged.filter((item) => item.kind === 'action');
    expect(actions.map((item) => item.seq)).toEqual([2.001, 2.002, 2.003]);
    expect(actions.map((item) => item.kind === 'action' && item.sentence)).toEqual(['Ann approved the plan', 'Someone set the job’s budget: cost $12.00', 'Ann acted on the job']);
    expect(new Set(merged.map((item) => item.seq)).size).toBe(merged.length);
  });

  it('puts actions before the first event first, and leaves the feed alone without actions', () => {
    const merged = withJobActions(toFeedItems(events), events, [action('early', 'set_budget', 0, 'Ann', 'cost $3.00')]);
    expect(merged[0]).toMatchObject({ kind: 'action', seq: 0.001 });
    expect(withJobActions(toFeedItems(events), events, [])).toEqual(toFeedItems(events));
  });
});
