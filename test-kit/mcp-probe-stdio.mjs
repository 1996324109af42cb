// A tiny stdio MCP server for tests of how a stage's MCP credentials travel: its one tool,
// `env_digest`, answers with the sha256 of each environment variable named in its
// arguments, so a test can tell the value arrived without the value reaching the agent.
// Short on purpose: without its comment lines it fits one argument of an MCP server
// configuration (`node --input-type=module -e <source> NAME…`, at most 1,000 characters).
import { createHash as h } from 'node:crypto';
import { createInterface as ci } from 'node:readline';
const send = (o) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...o }) + '\n');
const env = process.env;
const digest = (n) => (env[n] === undefined ? `${n} missing` : `${n} sha256=${h('sha256').update(env[n]).digest('hex')}`);
for await (const line of ci({ input: process.stdin })) {
  const { id, method: m, params: p } = line.trim() ? JSON.parse(line) : {};
  if (id === undefined) continue;
  if (m === 'initialize') send({ id, result: { protocolVersion: p.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'probe', version: '0' } } });
  else if (m === 'tools/list') send({ id, result: { tools: [{ name: 'env_digest', inputSchema: { type: 'object' } }] } });
  else if (m === 'tools/call') send({ id, result: { content: [{ type: 'text', text: process.argv.slice(1).map(digest).join('\n') }] } });
  else send({ id, error: { code: -32601, message: m } });
}
