// /metrics is served here, before Next: server/main.ts owns the process's metrics registry
// (lib/operations/metrics.ts keeps it on globalThis so Next's route bundles count into it),
// and the sign-in redirect in proxy.ts never sees the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toError } from '@spedy/protocol/errors';
import type { DbOrTx } from '../lib/jobs/db.ts';
import { decideMetricsAccess } from '../lib/operations/metrics-access.ts';
import { renderMetrics, spedyMetrics } from '../lib/operations/metrics.ts';
import { routeLabel } from '../lib/operations/route-label.ts';
import { clientAddressHeader } from '../lib/runners/authenticate.ts';

export const metricsPath = '/metrics';

/** Counts the request by method, route pattern and status once its answer is sent. */
export function countHttpRequest(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    spedyMetrics().httpRequests.inc({ method: req.method ?? 'GET', route: routeLabel(pathname, res.statusCode), status: String(res.statusCode) });
  });
}

export function createMetricsEndpoint(deps: { db: DbOrTx; publicUrl: string; token: string | undefined; log: (line: string) => void }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const header = req.headers[clientAddressHeader];
    const access = decideMetricsAccess(
      { publicUrl: deps.publicUrl, token: deps.token },
      { clientAddress: typeof header === 'string' ? header : 'unknown', authorization: req.headers.authorization },
    );
    if (!access.allowed) {
      res.writeHead(access.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${access.message}\n`);
      return;
    }
    try {
      const { contentType, body } = await renderMetrics(deps.db);
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    } catch (error) {
      deps.log(`metrics failed: ${toError(error).message}`);
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are unavailable: PostgreSQL does not answer.\n');
    }
  };
}
