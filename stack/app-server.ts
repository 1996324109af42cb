import path from 'node:path';
import { configSchema } from '../lib/config.ts';
import { fromRoot, projectRoot } from './paths.ts';
import { describeTail, spawnManaged, stopLeftovers } from './process-group.ts';
import { ReadinessError, waitForHttpOk } from './wait.ts';

export interface AppServerHandle {
  /** `http://localhost:PORT` */
  url: string;
  port: number;
  /** The server's process (the leader of its process group), e.g. for a test to SIGKILL it. */
  pid: number;
  /** SIGTERM to the process group, SIGKILL once its shutdown timeout and a margin have passed (appStopGraceMs). Idempotent. */
  stop(): Promise<void>;
  /** Resolves if the server exits by itself (not through stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface StartAppServerOptions {
  port: number;
  /** Added to our environment (DATABASE_URL, secrets, SPEDY_PUBLIC_URL, ZERO_PUBLIC_URL, NODE_ENV, SPEDY_DEV…). PORT is set from `port`. */
  env: Record<string, string | undefined>;
  /** Log in `${dataDir}/logs/app.log` (default dataDir: `.data`). */
  dataDir?: string;
  /** Also copy the server's output to our stdout (dev mode). */
  echo?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Time for exiting after the drain: stopping the task queue and Next, flushing the log. */
const exitMarginMs = 5000;

/**
 * How long stop() waits after SIGTERM before SIGKILL: the app's own drain timeout
 * (SPEDY_SHUTDOWN_TIMEOUT_MS in its environment, lib/config.ts's default otherwise) plus a
 * margin, so the launcher never kills a server that is still finishing requests in time.
 */
export function appStopGraceMs(env: Record<string, string | undefined>): number {
  const timeout = configSchema.shape.SPEDY_SHUTDOWN_TIMEOUT_MS.safeParse(env.SPEDY_SHUTDOWN_TIMEOUT_MS);
  return (timeout.success ? timeout.data : configSchema.shape.SPEDY_SHUTDOWN_TIMEOUT_MS.parse(undefined)) + exitMarginMs;
}

/**
 * Runs `node --import tsx server/main.ts` in its own process group and waits
 * until `GET /api/health` answers 200.
 */
export async function startAppServer(options: StartAppServerOptions): Promise<AppServerHandle> {
  const dataDir = path.resolve(options.dataDir ?? fromRoot('.data'));
  const pidFile = path.join(dataDir, 'run', 'app.pid');
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  for (const [key, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  env.PORT = String(options.port);
  // Its log lines are copied to a person's terminal: readable ones, unless SPEDY_LOG_FORMAT says otherwise.
  if (options.echo && process.stdout.isTTY && !env.SPEDY_LOG_FORMAT) env.SPEDY_LOG_FORMAT = 'pretty';
  const graceMs = appStopGraceMs(env);
  await stopLeftovers(pidFile, 'SIGTERM', graceMs);

  const proc = spawnManaged({
    name: 'App server',
    command: process.execPath,
    args: ['--import', 'tsx', 'server/main.ts'],
    cwd: projectRoot,
    env,
    logFile: path.join(dataDir, 'logs', 'app.log'),
    echo: options.echo,
    pidFile,
    stopSignal: 'SIGTERM',
    graceMs,
  });

  const url = `http://localhost:${options.port}`;
  try {
    await waitForHttpOk(`${url}/api/health`, {
      timeoutMs: options.timeoutMs ?? 60_000,
      proc,
      signal: options.signal,
    });
  } catch (err) {
    await proc.stop();
    if (err instanceof ReadinessError) throw new ReadinessError(err.message, describeTail(proc));
    throw err;
  }
  return { url, port: options.port, pid: proc.pid, stop: proc.stop, exited: proc.exited, logFile: proc.logFile };
}
