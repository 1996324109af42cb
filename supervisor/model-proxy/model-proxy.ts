// The model proxy: the only way an agent reaches the model API in key mode. A stage's
// container gets a random token for the proxy as its ANTHROPIC_API_KEY (the CLI sends it
// as `x-api-key`) and the proxy's address as ANTHROPIC_BASE_URL; the key itself stays in
// the supervisor. For each request the proxy checks the token, asks the grant whether the
// request may go (the per-request hook: budgets refuse here), puts the real key in its
// place, forwards to the grant's upstream and streams the answer back byte for byte,
// reading the usage from it on the way (usage.ts).
//
// Local mode (a person's Claude login, runner/claude-login.ts): the container has no key and
// the CLI sends the login as `Authorization: Bearer <accessToken>` (with its OAuth beta
// header); the stage's token then comes in its own header (ANTHROPIC_CUSTOM_HEADERS), and a
// grant that says so passes the Authorization on instead of putting a key in. Metering,
// admission and revocation are the same in both modes.
//
// Made by a factory so it can listen on a loopback TCP port or on a unix socket that is
// mounted into the container, or serve as the request listener of another server.
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { toError } from '@spedy/protocol/errors';
import { UsageReader, type ResponseUsage } from './usage.ts';

export type { ResponseUsage } from './usage.ts';


/** Why a request is not forwarded, as the API would answer it (the CLI shows the message). */
export interface ModelRefusal {
  status: number;
  type: string;
  message: string;
}

/** The header that carries a stage's proxy token when Authorization holds a person's login (local mode). */
export const proxyTokenHeader = 'x-spedy-proxy-token';

/** What one token may do: one stage's access to the model. */
export interface ModelGrant {
  /** Sent upstream as `x-api-key`; none for a model server that needs none (the scripted model). */
  apiKey?: string;
  /**
   * Local mode: the agent's own `Authorization: Bearer …` (the person's Claude login) goes
   * upstream; each bearer token is reported with whether the model API took it (not 401/403).
   */
  passAuthorization?: { onToken(token: string, accepted: boolean): void };
  /** Where requests go: Anthropic's API, the job's ANTHROPIC_BASE_URL, or the scripted model. */
  upstream: string;
  /** Asked before each request is forwarded; a refusal answers it instead (budgets, part 2b). */
  admit?(request: { method: string; path: string }): ModelRefusal | null;
  /** Each response's usage, as soon as the response ended (cut short: marked partial). */
  onUsage?(usage: ResponseUsage): void;
}

export interface ModelProxy {
  /** The proxy as a request listener, to serve on any server (a job's unix socket, say). */
  readonly handler: http.RequestListener;
  /** A new token for `grant` (the container's ANTHROPIC_API_KEY, or its proxyTokenHeader in local mode) and how to withdraw it. */
  grant(grant: ModelGrant): { token: string; revoke(): void };
  listen(target: { port: number; host?: string } | { path: string }): Promise<void>;
  /** http://127.0.0.1:<port> once listening on TCP. */
  readonly url: string;
  close(): Promise<void>;
}

type Log = { warn(obj: object, msg: string): void };

// Headers that belong to one connection, and those the proxy sets itself.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const replaced = new Set(['x-api-key', 'authorization', 'accept-encoding', proxyTokenHeader]);

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

function tokenOf(req: IncomingMessage): string | undefined {
  const own = req.headers[proxyTokenHeader];
  if (typeof own === 'string' && own) return own;
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key) return key;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

function bearerOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

function forwardedHeaders(headers: IncomingHttpHeaders, grant: ModelGrant): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name) || replaced.has(name)) continue;
    out[name] = value;
  }
  // Plain bytes back, so the usage can be read without decompressing.
  out['accept-encoding'] = 'identity';
  if (grant.apiKey) out['x-api-key'] = grant.apiKey;
  if (grant.passAuthorization && headers.authorization) out.authorization = headers.authorization;
  return out;
}

export function createModelProxy(options: { log?: Log } = {}): ModelProxy {
  const grants = new Map<string, ModelGrant>();
  let url = '';

  function forward(req: IncomingMessage, res: ServerResponse, grant: ModelGrant): void {
    const base = new URL(grant.upstream);
    const target = new URL(`${base.pathname.replace(/\/+$/, '')}${req.url ?? '/'}`, base);
    const client = target.protocol === 'https:' ? https : http;
    let reported = false;
    const report = (reader: UsageReader) => {
      if (reported) return;
      reported = true;
      const usage = reader.result();
      if (usage) grant.onUsage?.(usage);
    };
    const bearer = grant.passAuthorization ? bearerOf(req) : undefined;
    const upstream = client.request(target, { method: req.method, headers: forwardedHeaders(req.headers, grant) }, (answer) => {
      if (bearer !== undefined) grant.passAuthorization?.onToken(bearer, answer.statusCode !== 401 && answer.statusCode !== 403);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !hopByHop.has(name)) headers[name] = value;
      res.writeHead(answer.statusCode ?? 502, headers);
      const reader = new UsageReader(answer.headers['content-type']);
      const ok = (answer.statusCode ?? 500) < 400;
      answer.on('data', (chunk: Buffer) => {
        if (ok) reader.push(chunk);
        res.write(chunk);
      });
      answer.on('end', () => {
        res.end();
        if (ok) report(reader);
      });
      // The agent went away (its container was stopped) mid-answer: what was used so far still counts.
      res.on('close', () => {
        if (!answer.complete) {
          answer.destroy();
          if (ok) report(reader);
        }
      });
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      options.log?.warn({ upstream: base.origin, err: toError(error).message }, 'the model proxy could not reach the model API');
      sendError(res, 502, 'api_error', `The supervisor's model proxy could not reach ${base.origin}: ${toError(error).message}`);
    });
    req.pipe(upstream);
    req.on('aborted', () => upstream.destroy());
  }

  const handler: http.RequestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    // The CLI checks that its base URL answers; that needs no key and reaches nothing.
    if (req.method === 'HEAD' && path === '/') {
      res.writeHead(200).end();
      return;
    }
    const token = tokenOf(req);
    const grant = token === undefined ? undefined : grants.get(hashOf(token));
    if (!grant) return sendError(res, 401, 'authentication_error', 'This model proxy token is not valid (any more).');
    const refusal = grant.admit?.({ method: req.method ?? 'GET', path });
    if (refusal) return sendError(res, refusal.status, refusal.type, refusal.message);
    forward(req, res, grant);
  };
  const server = http.createServer(handler);

  return {
    handler,
    grant(grant) {
      const token = `spx_${randomBytes(24).toString('hex')}`;
      // Looked up by hash: the map's key comparison then leaks nothing about the token.
      const key = hashOf(token);
      grants.set(key, grant);
      return { token, revoke: () => grants.delete(key) };
    },
    async listen(target) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if ('path' in target) server.listen(target.path, resolve);
        else server.listen(target.port, target.host ?? '127.0.0.1', resolve);
      });
      const address = server.address() as AddressInfo | string | null;
      if (address && typeof address === 'object') url = `http://${address.address}:${address.port}`;
    },
    get url() {
      return url;
    },
    async close() {
      grants.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
