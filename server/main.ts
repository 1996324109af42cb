// The platform server: Next.js pages and routes on one port, plus the runners' WebSocket
// and the heartbeat monitor.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';
import { getConfig } from '../lib/config.ts';
import { getDb } from '../lib/db/client.ts';
import { runnerSocketPath } from '@spedy/protocol/wire';
import { clientAddressHeader } from '../lib/runners/authenticate.ts';
import { startHeartbeatMonitor } from '../lib/runners/heartbeat-monitor.ts';
import { startRunnerSocketServer } from './runner-socket.ts';

const dev = process.env.SPEDY_DEV === '1';
const port = Number(process.env.PORT ?? 3000);
const config = getConfig(); // fail fast, naming the variable

// Next attaches its own 'upgrade' listener to the real server and closes sockets whose
// path matches a route; a dummy emitter keeps it off, and this file owns upgrades.
const app = next({ dev, dir: process.cwd(), port, hostname: 'localhost', httpServer: new EventEmitter() as never });
const handle = app.getRequestHandler();
await app.prepare();

const log = (line: string) => console.log(`[runners] ${line}`);
const runnerSockets = await startRunnerSocketServer({ db: getDb(), databaseUrl: config.DATABASE_URL, log });
const heartbeatMonitor = startHeartbeatMonitor({ db: getDb(), intervalMs: config.SPEDY_HEARTBEAT_SWEEP_MS, log });

const server = createServer((req, res) => {
  // Routes count failed runner authentications per address: the socket's, never a header a client sent.
  req.headers[clientAddressHeader] = req.socket.remoteAddress ?? 'unknown';
  handle(req, res).catch((error: unknown) => {
    console.error('request failed', req.url, error);
    if (!res.headersSent) res.writeHead(500).end('Internal error');
  });
});

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;
// In dev, hot reload uses Next's own upgrade handler (getUpgradeHandler() does nothing in 16.4).
const devUpgrade = dev ? (app as unknown as { upgradeHandler?: UpgradeHandler }).upgradeHandler : undefined;

server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url ?? '/', 'http://localhost').pathname === runnerSocketPath) return runnerSockets.handleUpgrade(req, socket, head);
  if (devUpgrade) return void devUpgrade.call(app, req, socket, head);
  socket.destroy();
});

server.listen(port, () => {
  console.log(`Spedy app listening on http://localhost:${port}`);
});

function shutdown() {
  setTimeout(() => process.exit(0), 3000).unref();
  void Promise.allSettled([heartbeatMonitor.stop(), runnerSockets.close()]).then(() => server.close(() => process.exit(0)));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
