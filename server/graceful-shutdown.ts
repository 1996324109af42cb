// Graceful shutdown of the platform server: on SIGTERM or SIGINT it stops accepting
// connections, asks runners to reconnect (to another instance, or to this one once it is
// back), stops its background parts, lets in-flight requests finish within a timeout, then
// exits 0. A second signal exits at once.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { toError } from '@spedy/protocol/errors';

/** Something the server runs beside HTTP (the runner sockets, the heartbeat monitor…). */
export type ServerPart = { name: string; stop(): Promise<void> };

export type GracefulShutdownDeps = {
  server: Server;
  /** Stopped in this order once the server stops accepting; the runner sockets first, so runners reconnect early. */
  parts: ServerPart[];
  timeoutMs: number;
  log: (line: string) => void;
  exit: (code: number) => void;
};

/** Exit code after a second signal: 128 + SIGTERM's number, as a shell reports a killed process. */
const forcedExitCode = 143;

/** Installs the SIGTERM/SIGINT handlers; returns the shutdown for callers that stop the server themselves. */
export function installGracefulShutdown(deps: GracefulShutdownDeps): (signal: string) => Promise<void> {
  // Upgraded sockets (runner and Zero sync) leave HTTP's bookkeeping; the ones a part did not close are ended here.
  const upgraded = new Set<Duplex>();
  deps.server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (shuttingDown) {
      deps.log(`${signal} again: exiting now`);
      deps.exit(forcedExitCode);
      return shuttingDown;
    }
    shuttingDown = drain(deps, upgraded, signal);
    return shuttingDown;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return shutdown;
}

async function drain(deps: GracefulShutdownDeps, upgraded: Set<Duplex>, signal: string): Promise<void> {
  const { server, log } = deps;
  log(`${signal}: no new connections; finishing requests in flight (up to ${deps.timeoutMs} ms)`);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finished turns idle, not closed: close idle ones as they appear.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);

  const finished = (async () => {
    for (const part of deps.parts) {
      try {
        await part.stop();
      } catch (error) {
        log(`stopping ${part.name} failed: ${toError(error).message}`);
      }
    }
    for (const socket of upgraded) socket.destroy();
    await closed;
    return true;
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deps.timeoutMs);
  });
  const inTime = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  clearInterval(sweep);
  if (!inTime) {
    log(`requests still in flight after ${deps.timeoutMs} ms (SPEDY_SHUTDOWN_TIMEOUT_MS); closing them`);
    server.closeAllConnections();
  }
  log('stopped');
  deps.exit(0);
}
