import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text, toolUse } from './scenario.ts';
import { startModelServer, type ModelServer } from './server.ts';

// The wire format, read the way the Anthropic SDK reads it; the real CLI is in
// claude-cli.test.ts.

let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer({
    apiKey: 'sk-test',
    scenarios: {
      scripted: {
        description: 'a text and a tool call, then an answer built from the tool result',
        turns: [
          { content: [text('Looking.'), toolUse('Read', { file_path: '/w/a.txt' })], usage: { input: 10, output: 5, cacheRead: 700, cacheWrite: 30 } },
          (request) => ({ content: [text(`The file says ${request.toolResults[0]?.text}`)] }),
        ],
      },
    },
  });
});

afterAll(() => server?.stop());

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };
const prompt = { role: 'user', content: [{ type: 'text', text: 'Go [scenario:scripted]' }] };

function post(path: string, body: unknown, extraHeaders: Record<string, string> = headers): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: extraHeaders, body: JSON.stringify(body) });
}

interface ServerSentEvent {
  event: string;
  data: {
    type: string;
    message?: unknown;
    content_block?: { type: string; id?: string; name?: string; input?: unknown };
    delta?: { type?: string; partial_json?: string; stop_reason?: string };
    usage?: unknown;
  };
}

function parseSse(body: string): ServerSentEvent[] {
  return body
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
      return { event, data: JSON.parse(data) };
    });
}

describe('the scripted model server', () => {
  it('streams a reply as Anthropic SSE events with usage and tool input deltas', async () => {
    const response = await post('/v1/messages?beta=true', { model: 'claude-sonnet-4-6', stream: true, max_tokens: 100, messages: [prompt] });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await response.text());

    expect(events.map((e) => e.event)).toEqual([
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events[0]?.data.message).toMatchObject({
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [],
      usage: { input_tokens: 10, cache_read_input_tokens: 700, cache_creation_input_tokens: 30 },
    });
    const toolStart = events[5]?.data.content_block;
    expect(toolStart).toMatchObject({ type: 'tool_use', name: 'Read', input: {} });
    expect(toolStart?.id).toMatch(/^toolu_/);
    const json = events.map((e) => (e.data.delta?.type === 'input_json_delta' ? e.data.delta.partial_json : '')).join('');
    expect(JSON.parse(json)).toEqual({ file_path: '/w/a.txt' });
    expect(events[8]?.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } });
  });

  it('answers turn N to a request holding N assistant turns, the same way on a retry', async () => {
    const first = await (await post('/v1/messages', { model: 'm', messages: [prompt] })).json();
    const history = [prompt, { role: 'assistant', content: first.content }, {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: first.content[1].id, content: [{ type: 'text', text: 'forty-two' }] }],
    }];
    const second = await (await post('/v1/messages', { model: 'm', messages: history })).json();
    const retried = await (await post('/v1/messages', { model: 'm', messages: history })).json();

    expect(second).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: 'The file says forty-two' }] });
    expect({ ...retried, id: 'any' }).toEqual({ ...second, id: 'any' });
  });

  it('logs requests for tests and clears the log on reset', async () => {
    server.reset();
    await post('/v1/messages', { model: 'm', messages: [prompt] });
    const logged = await (await fetch(`${server.url}/_test/requests`)).json();
    expect(logged).toMatchObject([{ method: 'POST', path: '/v1/messages', scenario: 'scripted', turn: 0, status: 200 }]);
    await fetch(`${server.url}/_test/reset`, { method: 'POST' });
    expect(server.requests()).toEqual([]);
  });

  it("answers errors in Anthropic's shape", async () => {
    const notFound = await fetch(`${server.url}/v1/models`, { headers });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    const unauthorized = await post('/v1/messages', { model: 'm', messages: [prompt] }, { 'content-type': 'application/json' });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const unknown = await post('/v1/messages', { model: 'm', messages: [{ role: 'user', content: '[scenario:nope]' }] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toContain('Unknown scenario "nope"');

    const overloaded = await post('/v1/messages', { model: 'm', stream: true, messages: [{ role: 'user', content: '[scenario:overloaded]' }] });
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('counts tokens', async () => {
    const response = await post('/v1/messages/count_tokens?beta=true', { model: 'm', messages: [prompt] });
    expect((await response.json()).input_tokens).toBeGreaterThan(0);
  });
});
