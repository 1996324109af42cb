import { describe, expect, it } from 'vitest';
import { jobEventPayloads, jobEventTypes, readJobEvent } from '@spedy/protocol/job-events';
import { jobEvent } from './job-events.ts';

const usage = { model: 'claude-sonnet-4-6', inputTokens: 3, outputTokens: 2, cacheReadTokens: 1, cacheWriteTokens: 0, costUsd: 0.01 };
const built = [
  jobEvent.session('impl', 's-1', { model: 'claude-sonnet-4-6', resumed: false, tools: ['Read'], mcpServers: [{ name: 'spedy', status: 'connected' }], skills: [] }),
  jobEvent.text('impl', 'Hello'),
  jobEvent.textDelta('impl', 'msg-1', 'Hel'),
  jobEvent.toolCall('impl', 'tu1', 'Write', { file_path: 'a.js', content: 'x' }),
  jobEvent.toolResult('impl', 'tu1', 'File created', false),
  jobEvent.permissionDenied('impl', 'Bash', undefined, { command: 'rm -rf /' }),
  jobEvent.usage('impl', usage),
  jobEvent.error(null, 'Docker went away'),
  jobEvent.error('impl', 'The model API failed', { retrying: true, attempt: 2 }),
  jobEvent.result('impl', { isError: false, terminalReason: 'completed', numTurns: 2, text: 'Done', costUsd: null, durationMs: 5 }),
  jobEvent.stage('impl', 'Implement', 'failed', { reason: 'boom' }),
  jobEvent.plan('impl', '1. Do it', ['plan']),
  jobEvent.question('impl', 'Hello or Welcome?'),
  jobEvent.validation('impl', { command: 'npm test', passed: true, exitCode: 0, output: 'ok', attempt: 1 }),
  jobEvent.setup({ repository: 'acme/app', command: 'pip install -r requirements.txt', state: 'running', output: 'Collecting requests' }),
  jobEvent.setupLayer({ state: 'reused', image: 'spedy-setup:0123456789abcdef', imageId: 'sha256:abc', commands: 2 }),
  jobEvent.pullRequest({ repository: 'demo/spedy-demo', url: 'http://x/pr/1', number: 1, branch: 'spedy/x' }),
  jobEvent.notice('Budget at 80%'),
  jobEvent.budget({ state: 'warning', message: 'Budget at 80%', figure: 'costUsd', usage: { costUsd: 3.2, inputTokens: 1, outputTokens: 1, turns: 1 }, limits: { maxCostUsd: 4, maxInputTokens: null, maxOutputTokens: null, maxTurns: null } }),
  jobEvent.progress({ summary: '0 files touched', filesTouched: [], commandsRun: 0, validation: 'not_run', inputTokens: 0, outputTokens: 0, costUsd: 0 }),
  jobEvent.runnerImage({ state: 'preparing', startedAt: 1_700_000_000_000 }),
  jobEvent.diminishingReturns('impl', [40, 30, 20]),
];

describe('job events', () => {
  it('builds every event type the protocol names, each readable with its own schema', () => {
    expect(new Set(built.map((e) => e.type))).toEqual(new Set(jobEventTypes));
    for (const event of built) expect(jobEventPayloads[event.type].safeParse(event.payload).success, event.type).toBe(true);
  });

  it('keeps what the feed reads: a missing stage reads as null, extra details survive the writer', () => {
    expect(readJobEvent('notice', { message: 'hi' })).toEqual({ stage: null, message: 'hi' });
    expect(jobEvent.stage('impl', 'Implement', 'started', { role: 'executor', model: 'claude-sonnet-4-6' }).payload).toMatchObject({ role: 'executor' });
    expect(readJobEvent('text', { nope: true })).toBeNull();
  });
});
