import { describe, expect, it } from 'vitest';
import { UsageReader } from './usage.ts';

const sse = (events: object[]) => events.map((data) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`).join('');
const start = { type: 'message_start', message: { id: 'msg_1', model: 'claude-opus-4-7', usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 3000, cache_creation_input_tokens: 40 } } };
const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 250 } };

function read(body: string, chunkSize: number, contentType = 'text/event-stream') {
  const reader = new UsageReader(contentType);
  const bytes = new TextEncoder().encode(body);
  for (let i = 0; i < bytes.length; i += chunkSize) reader.push(bytes.slice(i, i + chunkSize));
  return reader.result();
}

describe('reading a response’s usage', () => {
  it('takes input and cache counts from message_start and the final output count from message_delta, however the bytes are split', () => {
    const body = sse([start, { type: 'ping' }, delta, { type: 'message_stop' }]);
    for (const size of [1, 5, 64, body.length]) {
      expect(read(body, size)).toEqual({ model: 'claude-opus-4-7', inputTokens: 12, outputTokens: 250, cacheReadTokens: 3000, cacheWriteTokens: 40, partial: false });
    }
  });

  it('marks a stream cut before message_stop as partial, and counts what was used', () => {
    expect(read(sse([start]), 7)).toMatchObject({ inputTokens: 12, outputTokens: 1, partial: true });
  });

  it('reads a JSON answer’s usage, and nothing from an error or a count_tokens answer', () => {
    const message = { type: 'message', model: 'claude-haiku-4-5', usage: { input_tokens: 5, output_tokens: 6 } };
    expect(read(JSON.stringify(message), 3, 'application/json')).toEqual({ model: 'claude-haiku-4-5', inputTokens: 5, outputTokens: 6, cacheReadTokens: 0, cacheWriteTokens: 0, partial: false });
    expect(read(JSON.stringify({ type: 'error', error: { type: 'overloaded_error' } }), 8, 'application/json')).toBeNull();
    expect(read(JSON.stringify({ input_tokens: 40 }), 8, 'application/json')).toBeNull();
  });
});
