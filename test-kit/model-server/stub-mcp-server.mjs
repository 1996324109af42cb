// A minimal stdio MCP server for CLI tests: offers `ask_user` and `add_comment`,
// appends every tools/call as a JSON line to $STUB_MCP_LOG, and answers at once.
// (The supervisor serves the real board tools; this only proves the wiring.)
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const tools = [
  { name: 'ask_user', description: 'Ask the user a question', inputSchema: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] } },
  { name: 'add_comment', description: 'Comment on the ticket', inputSchema: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] } },
];

function reply(id, result) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const { id, method, params } = JSON.parse(line);
  if (method === 'initialize') {
    reply(id, { protocolVersion: params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'spedy-stub', version: '0.0.0' } });
  } else if (method === 'tools/list') {
    reply(id, { tools });
  } else if (method === 'tools/call') {
    if (process.env.STUB_MCP_LOG) appendFileSync(process.env.STUB_MCP_LOG, `${JSON.stringify(params)}\n`);
    const text = params.name === 'ask_user' ? 'Question posted. End your turn; the answer arrives as the next message.' : 'Done.';
    reply(id, { content: [{ type: 'text', text }] });
  } else if (id !== undefined) {
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: `Unknown method ${method}` } })}\n`);
  }
}
