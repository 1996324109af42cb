// The model socket: how a stage's agent reaches the model (the relay in the container makes
// it ANTHROPIC_BASE_URL). What answers there is an http request listener, so the metering
// model proxy (supervisor/model-proxy/) plugs in as it is; until a job has one, requests pass
// through unchanged to the upstream the supervisor was given (the scripted model in tests
// and the demo, or Anthropic's API).
import http from 'node:http';
import https from 'node:https';
import { toError } from '@spedy/protocol/errors';

export const anthropicApiUrl = 'https://api.anthropic.com';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const hopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Passes each request through to `upstream` (its path prefixed), streaming both ways. */
export function modelPassThrough(upstream: string): http.RequestListener {
  const base = new URL(upstream);
  const client = base.protocol === 'https:' ? https : http;
  const prefix = base.pathname.replace(/\/+$/, '');
  return (req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !hopHeaders.has(name)));
    const out = client.request(
      { protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method: req.method, path: `${prefix}${req.url ?? '/'}`, headers: { ...headers, host: base.host } },
      (answer) => {
        const answerHeaders = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !hopHeaders.has(name)));
        res.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `The supervisor could not reach the model: ${toError(error).message}` } }));
    });
    req.pipe(out);
  };
}

/** Serves `listener` on a unix socket; the caller closes the server. */
export function listenModelSocket(socketPath: string, listener: http.RequestListener): Promise<http.Server> {
  return listenOnSocket(http.createServer(listener), socketPath);
}

export function listenOnSocket(server: http.Server, socketPath: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
