// The platform server: Next.js pages and routes on one port, plus the runners' WebSocket
// and the background task queue.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';
import { createSetupCodeIfUnowned } from '../lib/auth/setup-code.ts';
import { signUpMode } from '../lib/auth/sign-up-policy.ts';
import { getConfig } from '../lib/config.ts';
import { getDb } from '../lib/db/client.ts';
import { runnerSocketPath } from '@spedy/protocol/wire';
import { clientAddress, trustedProxies } from '../lib/net/client-address.ts';
import { clientAddressHeader } from '../lib/runners/authenticate.ts';
import { getLogger } from '../lib/log/logger.ts';
import { heartbeatSweep } from '../lib/tasks/heartbeat-sweep.ts';
import { startTaskQueue } from '../lib/tasks/queue.ts';
import { eventRetention } from '../lib/tasks/event-retention.ts';
import { epicRunStepTask, epicRunSweep } from '../lib/epics/task.ts';
import { installGracefulShutdown } from './graceful-shutdown.ts';
import { startRunnerSocketServer } from './runner-socket.ts';
import { forwardZeroSync, isZeroSyncPath } from './zero-sync-proxy.ts';
import { countHttpRequest, createMetricsEndpoint, metricsPath } from './metrics-endpoint.ts';
import { withRequestLog } from './request-log.ts';

const dev = process.env.SPEDY_DEV === '1';
const log = getLogger();
const config = getConfig(); // fail fast, naming the variable
const port = config.PORT;
const trust = trustedProxies(config.SPEDY_TRUSTED_PROXIES);
const zeroUpstream = new URL(config.SPEDY_ZERO_INTERNAL_URL);

// Next attaches its own 'upgrade' listener to the real server and closes sockets whose
// path matches a route; a dummy emitter keeps it off, and this file owns upgrades.
const app = next({ dev, dir: process.cwd(), port, hostname: 'localhost', httpServer: new EventEmitter() as never });
const handle = app.getRequestHandler();
await app.prepare();

if (signUpMode(config) === 'invite') {
  const setupCode = await createSetupCodeIfUnowned(getDb());
  if (setupCode) log.warn(`No one owns this Spedy yet. Setup code for the first account (works once): ${setupCode}`);
}

const runnersLog = getLogger('runners');
const runnerSockets = await startRunnerSocketServer({ db: getDb(), databaseUrl: config.DATABASE_URL, log: (line) => runnersLog.warn(line) });
const taskQueue = await startTaskQueue({
  connectionString: config.DATABASE_URL,
  periodic: [
    heartbeatSweep({ db: getDb(), periodMs: config.SPEDY_HEARTBEAT_SWEEP_MS, heartbeatFloor: Date.now(), log: (line) => runnersLog.info(line) }),
    eventRetention({ db: getDb(), log: (line) => getLogger('tasks').info(line) }),
    epicRunSweep({ db: getDb(), log: (line) => getLogger('epics').warn(line) }),
  ],
  tasks: [epicRunStepTask({ db: getDb() })],
  log: (line) => getLogger('tasks').warn(line),
});

const serveMetrics = createMetricsEndpoint({ db: getDb(), publicUrl: config.SPEDY_PUBLIC_URL, token: config.SPEDY_METRICS_TOKEN, log: (line) => getLogger('metrics').warn(line) });

const server = createServer(withRequestLog(getLogger('http'), (req, res) => {
  // Rate limits count per client address: the socket's, or X-Forwarded-For from a trusted proxy only.
  req.headers[clientAddressHeader] = clientAddress(req, trust);
  countHttpRequest(req, res);
  if (req.url?.split('?')[0] === metricsPath) return void serveMetrics(req, res);
  handle(req, res).catch((error: unknown) => {
    log.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
    if (!res.headersSent) res.writeHead(500).end('Internal error');
  });
}));

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;
// In dev, hot reload uses Next's own upgrade handler (getUpgradeHandler() does nothing in 16.4).
const devUpgrade = dev ? (app as unknown as { upgradeHandler?: UpgradeHandler }).upgradeHandler : undefined;

server.on('upgrade', (req, socket, head) => {
  req.headers[clientAddressHeader] = clientAddress(req, trust);
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === runnerSocketPath) return runnerSockets.handleUpgrade(req, socket, head);
  if (isZeroSyncPath(pathname)) return forwardZeroSync(req, socket, head, { host: zeroUpstream.hostname, port: Number(zeroUpstream.port || 80) });
  if (devUpgrade) return void devUpgrade.call(app, req, socket, head);
  socket.destroy();
});

server.once('error', (error: NodeJS.ErrnoException) => {
  const where = `${config.SPEDY_HOST}:${port}`;
  if (error.code === 'EADDRINUSE') log.fatal(`Port ${port} is taken on ${config.SPEDY_HOST}: stop whatever uses it or set PORT to a free port.`);
  else if (error.code === 'EADDRNOTAVAIL') log.fatal(`SPEDY_HOST=${config.SPEDY_HOST} is not an address of this machine (listening on ${where} failed).`);
  else log.fatal(`Could not listen on ${where}: ${error.message}`);
  process.exit(1);
});
server.listen(port, config.SPEDY_HOST, () => {
  log.info(`Spedy app listening on http://${config.SPEDY_HOST}:${port}`);
});

installGracefulShutdown({
  server,
  parts: [
    { name: 'the runner sockets', stop: () => runnerSockets.close() },
    { name: 'the task queue', stop: () => taskQueue.stop() },
  ],
  timeoutMs: config.SPEDY_SHUTDOWN_TIMEOUT_MS,
  log: (line) => getLogger('shutdown').info(line),
  exit: (code) => process.exit(code),
});
