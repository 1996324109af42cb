// A job's egress proxy: the only way its containers reach anything besides the model and the
// board tools. It serves the job's egress socket (the relay in the container makes it the
// CLI's and npm's HTTPS_PROXY / HTTP_PROXY) and admits a connection only when
//   1. host:port is on the team's allowed hosts (the job snapshot's `allowedHosts`), and
//   2. the host resolves to addresses the address check admits (protocol/src/address-check.ts:
//      no loopback or private address unless the operator named it in
//      SPEDY_ALLOWED_INTERNAL_HOSTS, never link-local or metadata),
// and then connects to the address it checked. CONNECT tunnels (HTTPS) and plain HTTP
// requests in absolute form are served; anything else is refused with a reason the agent
// can read.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { AddressRefusedError, type AddressCheck } from '@spedy/protocol/address-check';
import { isAllowedHost } from '@spedy/protocol/allowed-hosts';
import { toError } from '@spedy/protocol/errors';
import type { Log } from '../log.ts';

export interface EgressPolicy {
  jobId: string;
  /** The team's allowed hosts, host:port. */
  allowedHosts: readonly string[];
  check: AddressCheck;
  log: Log;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own are not forwarded. */
const hopHeaders = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const connectTimeoutMs = 15_000;

/** `host:port` of a CONNECT request (`[v6]:port` included); null when malformed. */
function connectTarget(authority: string): { host: string; port: number } | null {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(authority) ?? /^([^:[\]\s/]+):(\d{1,5})$/.exec(authority);
  if (!match) return null;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1].toLowerCase(), port } : null;
}

function refusal(policy: EgressPolicy, host: string, port: number): string | null {
  if (isAllowedHost(policy.allowedHosts, host, port)) return null;
  const shown = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return `${shown} is not one of this team's allowed hosts. A person can add it under the team's settings → Allowed hosts.`;
}

/** Resolves and checks the host; the address to connect to, or the reason it is refused. */
async function checkedTarget(policy: EgressPolicy, host: string, port: number): Promise<{ address: string } | { refused: string; status: number }> {
  const notAllowed = refusal(policy, host, port);
  if (notAllowed) return { refused: notAllowed, status: 403 };
  try {
    return { address: (await policy.check(host, port)).address };
  } catch (error) {
    if (error instanceof AddressRefusedError) return { refused: error.message, status: 403 };
    return { refused: `${host} could not be resolved: ${toError(error).message}`, status: 502 };
  }
}

function writeStatus(socket: Duplex, status: number, reason: string): void {
  const text = http.STATUS_CODES[status] ?? 'Error';
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

export function createEgressProxy(policy: EgressPolicy): http.Server {
  const { log, jobId } = policy;

  const server = http.createServer((req, res) => {
    const fail = (status: number, reason: string) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`${reason}\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return fail(400, 'This is a proxy: send absolute http:// URLs, or CONNECT host:port for HTTPS.');
    }
    if (url.protocol !== 'http:') return fail(400, 'Only http:// URLs are proxied as requests; use CONNECT for HTTPS.');
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = Number(url.port) || 80;
    void checkedTarget(policy, host, port).then((target) => {
      if ('refused' in target) {
        log.info({ jobId, host, port, reason: target.refused }, 'egress refused');
        return fail(target.status, target.refused);
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !hopHeaders.has(name)));
      const upstream = http.request({ host: target.address, port, method: req.method, path: `${url.pathname}${url.search}`, headers: { ...headers, host: url.host }, timeout: connectTimeoutMs });
      upstream.on('response', (answer) => {
        const answerHeaders = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !hopHeaders.has(name)));
        res.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(res);
      });
      upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
      upstream.on('error', (error) => fail(502, `${url.host} did not answer: ${error.message}`));
      req.pipe(upstream);
    });
  });

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    client.on('error', () => client.destroy());
    const target = connectTarget(req.url ?? '');
    if (!target) return writeStatus(client, 400, 'CONNECT needs host:port, such as registry.npmjs.org:443.');
    void checkedTarget(policy, target.host, target.port).then((checked) => {
      if ('refused' in checked) {
        log.info({ jobId, host: target.host, port: target.port, reason: checked.refused }, 'egress refused');
        return writeStatus(client, checked.status, checked.refused);
      }
      const upstream = net.connect({ host: checked.address, port: target.port, timeout: connectTimeoutMs });
      upstream.once('timeout', () => upstream.destroy(new Error('timed out')));
      upstream.once('connect', () => {
        upstream.setTimeout(0);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
        log.debug({ jobId, host: target.host, port: target.port }, 'egress tunnel open');
      });
      upstream.on('error', (error) => {
        if (upstream.connecting || upstream.pending) writeStatus(client, 502, `${target.host}:${target.port} did not answer: ${error.message}`);
        else client.destroy();
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  });
  return server;
}
