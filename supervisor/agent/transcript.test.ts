import { describe, expect, it } from 'vitest';
import { CancelReason } from '../container/cancel-reason.ts';
import { judgeOutcome } from './outcome.ts';
import { AgentTranscript } from './transcript.ts';

// Lines as Claude Code 2.1.197 writes them with --output-format stream-json --verbose (trimmed).
const init = { type: 'system', subtype: 'init', session_id: 's-1', model: 'claude-sonnet-4-6', tools: ['Write', 'mcp__spedy__ask_user'], mcp_servers: [{ name: 'spedy', status: 'connected' }], skills: ['greeting-style'] };
const usage = { input_tokens: 1200, output_tokens: 1, cache_creation_input_tokens: 9000, cache_read_input_tokens: 0 };
const textLine = { type: 'assistant', message: { id: 'msg_1', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'I need one decision first.' }], usage } };
const askLine = { type: 'assistant', message: { id: 'msg_1', model: 'claude-sonnet-4-6', content: [{ type: 'tool_use', id: 'tu_1', name: 'mcp__spedy__ask_user', input: { question: 'Hello or Welcome?' } }], usage } };
const askResult = { type: 'user', message: { role: 'user', content: [{ tool_use_id: 'tu_1', type: 'tool_result', content: [{ type: 'text', text: 'Question posted.' }] }] } };
const denied = { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_2', is_error: true, content: 'Claude requested permissions to use Bash, but you haven’t granted it yet.' }] } };
const result = {
  type: 'result', subtype: 'success', session_id: 's-1', is_error: false, api_error_status: null, terminal_reason: 'completed', num_turns: 2, result: 'I asked.', total_cost_usd: 0.04,
  modelUsage: { 'claude-sonnet-4-6': { inputTokens: 1470, outputTokens: 190, cacheReadInputTokens: 18350, cacheCreationInputTokens: 9350, costUSD: 0.04 } },
  permission_denials: [{ tool_name: 'Bash', tool_use_id: 'tu_2', tool_input: { command: 'ls' } }],
};

function read(lines: unknown[]) {
  const transcript = new AgentTranscript('implement', false);
  const events = lines.flatMap((line) => transcript.read(JSON.stringify(line)));
  return { transcript, events };
}

describe('reading the CLI’s stream-json', () => {
  it('turns lines into job events and keeps the session, the questions and the CLI’s usage totals', () => {
    const { transcript, events } = read([init, textLine, askLine, askResult, denied, result]);
    expect(events.map((event) => event.type)).toEqual(['session', 'text', 'tool_call', 'tool_result', 'tool_result', 'permission_denied', 'usage', 'result']);
    expect(events[0]!.payload).toMatchObject({ stage: 'implement', sessionId: 's-1', resumed: false, skills: ['greeting-style'] });
    expect(events[2]!.payload).toMatchObject({ name: 'mcp__spedy__ask_user', input: { question: 'Hello or Welcome?' } });
    expect(events[3]!.payload).toMatchObject({ toolUseId: 'tu_1', content: 'Question posted.', isError: false });
    expect(events[5]!.payload).toMatchObject({ tool: 'Bash', toolUseId: 'tu_2' });
    expect(events[6]!.payload).toEqual({ stage: 'implement', model: 'claude-sonnet-4-6', inputTokens: 1470, outputTokens: 190, cacheReadTokens: 18350, cacheWriteTokens: 9350, costUsd: 0.04 });
    expect(transcript.sessionId).toBe('s-1');
    expect(judgeOutcome(transcript, { exitCode: 0, cancelReason: null }, '')).toEqual({ kind: 'completed', sessionId: 's-1', text: 'I asked.', questions: ['Hello or Welcome?'] });
  });

  it('sums the messages’ usage, marked partial, when a stopped run wrote no result', () => {
    const { transcript } = read([init, textLine, askLine]);
    expect(transcript.usageEvents().map((event) => event.payload)).toEqual([
      { stage: 'implement', model: 'claude-sonnet-4-6', inputTokens: 1200, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 9000, partial: true },
    ]);
    expect(judgeOutcome(transcript, { exitCode: 143, cancelReason: CancelReason.StoppedByUser }, '')).toMatchObject({ kind: 'stopped', sessionId: 's-1' });
  });

  it('emits no usage of its own when the model proxy meters the run, so nothing is counted twice', () => {
    const transcript = new AgentTranscript('implement', false, false);
    const events = [init, textLine, askLine, askResult, result].flatMap((line) => transcript.read(JSON.stringify(line)));
    expect(events.map((event) => event.type)).not.toContain('usage');
    expect(transcript.usageEvents()).toEqual([]);
    expect(events.find((event) => event.type === 'result')?.payload).toMatchObject({ costUsd: 0.04 });
  });

  it('judges an API failure by is_error, though the subtype says success', () => {
    const failed = { ...result, is_error: true, api_error_status: 500, result: 'API Error: 500 Internal server error', modelUsage: {} };
    const { transcript } = read([init, failed]);
    expect(judgeOutcome(transcript, { exitCode: 1, cancelReason: null }, '')).toMatchObject({ kind: 'failed', apiFailure: true, reason: 'The model API failed (HTTP 500): API Error: 500 Internal server error' });
  });

  it('judges the turn limit by terminal_reason', () => {
    const limited = { ...result, subtype: 'error_max_turns', is_error: true, terminal_reason: 'max_turns', result: undefined, errors: ['Reached maximum number of turns (1)'] };
    const { transcript } = read([init, limited]);
    expect(judgeOutcome(transcript, { exitCode: 1, cancelReason: null }, '')).toMatchObject({ kind: 'failed', apiFailure: false, reason: 'Claude Code reached its limit of turns (exit code 1): Reached maximum number of turns (1)' });
  });

  it('fails a run that ended without a result, with what it printed', () => {
    const { transcript } = read([init, 'not json']);
    expect(judgeOutcome(transcript, { exitCode: 2, cancelReason: null }, 'Error: invalid option')).toMatchObject({ kind: 'failed', reason: 'Claude Code ended (exit code 2) without a result: Error: invalid option' });
  });
});
