// The supervisor's status listener: GET /healthz (200 "ok", or 503 with the reasons, for the
// compose healthcheck and load balancers) and GET /metrics (Prometheus text, metrics.ts).
// Off unless SPEDY_STATUS_PORT is set; on 127.0.0.1 unless SPEDY_STATUS_HOST says otherwise.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toError } from '@spedy/protocol/errors';
import type { Log } from '../log.ts';
import type { Health } from './health.ts';
import { supervisorMetrics } from './metrics.ts';

export type StatusServer = { url: string; close(): Promise<void> };

export async function startStatusServer(deps: { host: string; port: number; health: () => Promise<Health>; log: Log }): Promise<StatusServer> {
  const server = http.createServer((req, res) => {
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const route = new URL(req.url ?? '/', 'http://status').pathname;
    if (route !== '/healthz' && route !== '/metrics') return send(404, 'text/plain; charset=utf-8', 'Not found: the supervisor answers /healthz and /metrics.\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', `${req.method} is not allowed; use GET.\n`);
    const answer =
      route === '/healthz'
        ? deps.health().then((health) =>
            health.healthy
              ? send(200, 'application/json', `${JSON.stringify({ status: 'ok' })}\n`)
              : send(503, 'application/json', `${JSON.stringify({ status: 'unavailable', reasons: health.reasons })}\n`),
          )
        : supervisorMetrics().registry.metrics().then((body) => send(200, supervisorMetrics().registry.contentType, body));
    answer.catch((error: unknown) => {
      deps.log.warn({ route, err: toError(error).message }, 'the status listener could not answer');
      if (!res.headersSent) send(500, 'text/plain; charset=utf-8', 'The supervisor could not answer; see its log.\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  deps.log.info({ url }, 'status listener answering /healthz and /metrics');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
