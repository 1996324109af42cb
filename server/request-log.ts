// One id per HTTP request, in its log lines and its answer: the caller's X-Request-Id when it
// is an acceptable token (lib/log/request-context.ts), otherwise a new one. The handler runs
// with the id in its async context, so a line logged by any module while it works (Next's
// route handlers included) carries it; one line more records the answer.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../lib/log/logger.ts';
import { requestIdFrom, requestIdHeader, runWithRequestId } from '../lib/log/request-context.ts';

/** Probes and scrapes every few seconds: their lines are debug, so they do not bury the rest. */
const quietPaths = new Set(['/api/health', '/api/ready', '/metrics']);

export function withRequestLog(log: Logger, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdFrom(req.headers[requestIdHeader]);
    // Routes read the id that was accepted, never a refused one.
    req.headers[requestIdHeader] = requestId;
    res.setHeader(requestIdHeader, requestId);
    const started = performance.now();
    runWithRequestId(requestId, () => {
      res.once(
        'close',
        AsyncLocalStorage.bind(() => {
          // The path only: a query string may carry a token.
          const path = (req.url ?? '/').split('?')[0];
          const line = { method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) };
          const msg = res.writableFinished ? 'request answered' : 'request closed before its answer was sent';
          if (res.statusCode >= 500 || !res.writableFinished) log.warn(line, msg);
          else if (quietPaths.has(path)) log.debug(line, msg);
          else log.info(line, msg);
        }),
      );
      handle(req, res);
    });
  };
}
