import type { ServerResponse } from 'node:http';
import type { ScriptedReply } from './scenario.ts';

// A Messages API response, and the same response as Anthropic's SSE events:
// message_start → ping → (content_block_start → content_block_delta* →
// content_block_stop)* → message_delta (stop_reason, usage) → message_stop.

export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  service_tier: 'standard';
}

export interface ResponseMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseBlock[];
  stop_reason: 'end_turn' | 'tool_use';
  stop_sequence: null;
  usage: Usage;
}

export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value).length / 4));
}

export function buildMessage(reply: ScriptedReply, options: { id: string; model: string; requestTokens: number }): ResponseMessage {
  const content: ResponseBlock[] = reply.content.map((block, index) =>
    block.type === 'text' ? block : { ...block, id: `toolu_${options.id.slice(4)}${index}` },
  );
  const usage = reply.usage ?? {};
  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: options.model,
    content,
    stop_reason: content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: usage.input ?? options.requestTokens,
      output_tokens: usage.output ?? estimateTokens(content),
      cache_creation_input_tokens: usage.cacheWrite ?? 0,
      cache_read_input_tokens: usage.cacheRead ?? 0,
      service_tier: 'standard',
    },
  };
}

// Several small deltas per block, as the real API streams them.
function pieces(value: string, size = 24): string[] {
  const result: string[] = [];
  for (let i = 0; i < value.length; i += size) result.push(value.slice(i, i + size));
  return result.length > 0 ? result : [''];
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function streamMessage(res: ServerResponse, message: ResponseMessage, deltaSize?: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const { content, usage, ...rest } = message;
  send(res, 'message_start', {
    type: 'message_start',
    message: { ...rest, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  send(res, 'ping', { type: 'ping' });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const text of pieces(block.text, deltaSize)) {
        send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
      }
    } else {
      const start = { type: 'tool_use', id: block.id, name: block.name, input: {} };
      send(res, 'content_block_start', { type: 'content_block_start', index, content_block: start });
      for (const partial_json of pieces(JSON.stringify(block.input), deltaSize)) {
        send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    send(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  send(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { input_tokens: usage.input_tokens, cache_creation_input_tokens: usage.cache_creation_input_tokens, cache_read_input_tokens: usage.cache_read_input_tokens, output_tokens: usage.output_tokens },
  });
  send(res, 'message_stop', { type: 'message_stop' });
  res.end();
}
