// A tiny MCP server over Streamable HTTP (JSON answers, no SSE stream) for tests of how a
// stage's MCP credentials travel: it records the headers of every request in memory, and
// its one tool, `whoami`, says whether the expected header arrived without echoing it,
// so a credential reaches the test only through this process, never through the agent.
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProbeRequest = { method: string; rpcMethod?: string; headers: http.IncomingHttpHeaders };

export type McpProbeServer = {
  /** The MCP endpoint, e.g. http://127.0.0.1:41234/mcp */
  url: string;
  requests: ProbeRequest[];
  /** Names of the tools that were called, in order. */
  calls: string[];
  stop(): Promise<void>;
};

const tools = [{ name: 'whoami', description: 'Tells whether the caller sent the credential this server expects.', inputSchema: { type: 'object', properties: {} } }];

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `host`: the loopback address to listen on (a contained agent reaches it only through the egress proxy, as an allowed host). */
export async function startMcpProbeServer(options: { header: string; expected: string; host?: string }): Promise<McpProbeServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: ProbeRequest[] = [];
  const calls: string[] = [];
  const header = options.header.toLowerCase();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: ProbeRequest = { method: req.method ?? '', headers: req.headers };
      requests.push(record);
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      let message: { id?: number | string; method?: string; params?: { name?: string; protocolVersion?: string } };
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      record.rpcMethod = message.method;
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const answer = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      switch (message.method) {
        case 'initialize':
          return answer({ protocolVersion: message.params?.protocolVersion ?? '2025-03-26', capabilities: { tools: {} }, serverInfo: { name: 'spedy-mcp-probe', version: '0.0.0' } });
        case 'tools/list':
          return answer({ tools });
        case 'tools/call': {
          calls.push(message.params?.name ?? '');
          const got = req.headers[header];
          const ok = typeof got === 'string' && same(got, options.expected);
          return answer({ content: [{ type: 'text', text: ok ? `probe: ${options.header} matched` : `probe: ${options.header} ${got === undefined ? 'missing' : 'did not match'}` }] });
        }
        default:
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `Unknown method ${message.method}` } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/mcp`,
    requests,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The STDIO twin (test-kit/mcp-probe-stdio.mjs) as an MCP server configuration's command
 * arguments: its source inline, so the server runs in a stage's container without a file
 * there. `names`: the variables whose sha256 its `env_digest` tool reports.
 */
export function mcpProbeStdioArgs(names: string[]): string[] {
  const source = fs
    .readFileSync(new URL('./mcp-probe-stdio.mjs', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .map((line) => line.trimStart())
    .join('\n');
  return ['--input-type=module', '-e', source, ...names];
}
