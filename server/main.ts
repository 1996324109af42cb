// The platform server: Next.js pages and routes on one port, plus (later) the runners' WebSocket.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';
import { getConfig } from '../lib/config.ts';

const dev = process.env.SPEDY_DEV === '1';
const port = Number(process.env.PORT ?? 3000);
getConfig(); // fail fast, naming the variable

// Next attaches its own 'upgrade' listener to the real server and closes sockets whose
// path matches a route; a dummy emitter keeps it off, and this file owns upgrades.
const app = next({ dev, dir: process.cwd(), port, hostname: 'localhost', httpServer: new EventEmitter() as never });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error('request failed', req.url, error);
    if (!res.headersSent) res.writeHead(500).end('Internal error');
  });
});

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;
// In dev, hot reload uses Next's own upgrade handler (getUpgradeHandler() does nothing in 16.4).
const devUpgrade = dev ? (app as unknown as { upgradeHandler?: UpgradeHandler }).upgradeHandler : undefined;

server.on('upgrade', (req, socket, head) => {
  if (devUpgrade) return void devUpgrade.call(app, req, socket, head);
  socket.destroy();
});

server.listen(port, () => {
  console.log(`Spedy app listening on http://localhost:${port}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
