#!/usr/bin/env node
// The agent's board tools as a stdio MCP server (JSON-RPC 2.0, one message per line).
// It runs inside the runner container with the image's Node and no dependencies, and only
// relays: the tool list and every call go to the supervisor's endpoint (SPEDY_TOOLS_URL on
// the container's 127.0.0.1, which the relay pipes to the job's tools socket) with this job's
// SPEDY_TOOLS_SECRET.
// The container never sees the runner token; the supervisor defines the tools
// (supervisor/mcp/tools.ts) and talks to the platform.
import { createInterface } from 'node:readline';

const url = (process.env.SPEDY_TOOLS_URL ?? '').replace(/\/+$/, '');
const secret = process.env.SPEDY_TOOLS_SECRET ?? '';
const callTimeoutMs = 120_000;

function write(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

async function supervisor(method, path, body) {
  if (!url || !secret) throw new Error('SPEDY_TOOLS_URL and SPEDY_TOOLS_SECRET must be set by the supervisor.');
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(callTimeoutMs),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error ?? `The supervisor answered ${res.status}.`);
  return answer;
}

async function handle({ id, method, params }) {
  switch (method) {
    case 'initialize':
      return {
        protocolVersion: params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'spedy-board-tools', version: '1.0.0' },
      };
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: (await supervisor('GET', '/tools')).tools };
    case 'tools/call':
      try {
        const { text, isError } = await supervisor('POST', `/tools/${encodeURIComponent(params?.name ?? '')}`, params?.arguments ?? {});
        return { content: [{ type: 'text', text }], isError: Boolean(isError) };
      } catch (error) {
        return { content: [{ type: 'text', text: `The board tool failed: ${error.message}` }], isError: true };
      }
    default:
      if (id !== undefined) throw Object.assign(new Error(`Unknown method ${method}`), { code: -32601 });
      return undefined;
  }
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    write({ id: null, error: { code: -32700, message: 'Parse error' } });
    continue;
  }
  // Notifications (no id) get no answer; requests are answered as each completes.
  handle(message).then(
    (result) => {
      if (message.id !== undefined && result !== undefined) write({ id: message.id, result });
    },
    (error) => {
      if (message.id !== undefined) write({ id: message.id, error: { code: error.code ?? -32603, message: error.message } });
    },
  );
}
