import path from 'node:path';
import { fromRoot, projectRoot } from './paths.ts';
import { describeTail, spawnManaged, stopLeftovers } from './process-group.ts';
import { ReadinessError, waitForHttpOk } from './wait.ts';

export interface ZeroCacheHandle {
  /** `http://localhost:PORT` (what the browser connects to) */
  url: string;
  port: number;
  /** SIGTERM to the process group, SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
  /** Resolves if zero-cache exits by itself (not through stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface StartZeroCacheOptions {
  /** Sync port; zero-cache also listens on port + 1 (change-streamer), so pick it with findFreePort(…, { count: 3 }). */
  port: number;
  /** PostgreSQL URL with logical replication (zero-cache replicates schema `public`). */
  upstreamUrl: string;
  /** Replica in `${dataDir}/zero-replica.db`, log in `${dataDir}/logs/zero-cache.log`. */
  dataDir: string;
  /** The app server's URL, e.g. http://localhost:3000 (for /api/zero/mutate and /api/zero/query). */
  appUrl: string;
  adminPassword: string;
  /** Overrides/additions to the zero-cache environment. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const ZERO_CACHE_BIN = fromRoot('node_modules', '.bin', 'zero-cache');

/** Runs zero-cache in its own process group and waits until `GET /keepalive` answers 200. */
export async function startZeroCache(options: StartZeroCacheOptions): Promise<ZeroCacheHandle> {
  const dataDir = path.resolve(options.dataDir);
  const pidFile = path.join(dataDir, 'run', 'zero-cache.pid');
  await stopLeftovers(pidFile);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZERO_UPSTREAM_DB: options.upstreamUrl,
    ZERO_REPLICA_FILE: path.join(dataDir, 'zero-replica.db'),
    ZERO_APP_ID: 'spedy',
    ZERO_ADMIN_PASSWORD: options.adminPassword,
    ZERO_PORT: String(options.port),
    ZERO_CHANGE_STREAMER_PORT: String(options.port + 1),
    ZERO_MUTATE_URL: `${options.appUrl}/api/zero/mutate`,
    ZERO_QUERY_URL: `${options.appUrl}/api/zero/query`,
    ZERO_MUTATE_FORWARD_COOKIES: 'true',
    ZERO_QUERY_FORWARD_COOKIES: 'true',
    ZERO_ENABLE_TELEMETRY: 'false',
    ZERO_LOG_LEVEL: 'warn',
    // zero-cache binds `::`; the preload keeps its sync port and change-streamer on loopback.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${fromRoot('deploy', 'loopback-listen.cjs')}`].filter(Boolean).join(' '),
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const proc = spawnManaged({
    name: 'zero-cache',
    // Same Node binary as ours, so the native SQLite addon matches.
    command: process.execPath,
    args: [ZERO_CACHE_BIN],
    cwd: projectRoot,
    env,
    logFile: path.join(dataDir, 'logs', 'zero-cache.log'),
    pidFile,
    stopSignal: 'SIGTERM',
    graceMs: 5000,
  });

  const url = `http://localhost:${options.port}`;
  try {
    await waitForHttpOk(`${url}/keepalive`, {
      timeoutMs: options.timeoutMs ?? 60_000,
      proc,
      signal: options.signal,
    });
  } catch (err) {
    await proc.stop();
    if (err instanceof ReadinessError) throw new ReadinessError(err.message, describeTail(proc));
    throw err;
  }
  return { url, port: options.port, stop: proc.stop, exited: proc.exited, logFile: proc.logFile };
}
