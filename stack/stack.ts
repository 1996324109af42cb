import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startAppServer, type AppServerHandle } from './app-server.ts';
import { ensureAppBuilt } from './build.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { StackError } from './errors.ts';
import { migrateDatabase } from './migrate.ts';
import { displayPath } from './paths.ts';
import { findFreePort } from './ports.ts';
import { stopLeftovers } from './process-group.ts';
import { checkExternalPostgres, startPostgres, type PostgresHandle } from './postgres.ts';
import { loadOrCreateLocalSecrets } from './secrets-file.ts';
import { abortError, isAbortError, since } from './time.ts';
import { startZeroCache, type ZeroCacheHandle } from './zero-cache.ts';
import { isLocalhostUrl, signUpMode, type SignUpMode } from '../lib/auth/sign-up-policy.ts';
import { isPortFree } from './ports.ts';

function signUpSetting(): SignUpMode | undefined {
  const value = process.env.SPEDY_SIGNUP;
  return value === 'open' || value === 'invite' ? value : undefined;
}

async function createSetupCodeFor(databaseUrl: string): Promise<string | null> {
  const [{ connectDb }, { createSetupCodeIfUnowned }] = await Promise.all([import('../lib/db/client.ts'), import('../lib/auth/setup-code.ts')]);
  const { db, close } = connectDb(databaseUrl);
  try {
    return await createSetupCodeIfUnowned(db);
  } finally {
    await close();
  }
}

export interface DemoSignIn {
  email: string;
  password: string;
  orgSlug: string;
}

export interface StartStackOptions {
  /** Secrets, PostgreSQL cluster, zero-cache replica and logs live here (`.data` for npm start). */
  dataDir: string;
  /** Development mode: no production build; the app server runs Next in dev mode and its output is echoed. */
  dev?: boolean;
  /** First port tried for the app server (default 3000; the next free one is used if taken). */
  preferredPort?: number;
  /** This exact port for the app server, or a clear error when it is taken (wins over preferredPort). */
  port?: number;
  /** The URL people use (SPEDY_PUBLIC_URL), e.g. behind a TLS proxy; default http://localhost:<port>. */
  publicUrl?: string;
  /** Settings for the app server beyond the generated ones (e.g. SPEDY_TRUSTED_PROXIES). */
  extraAppEnv?: Record<string, string>;
  /** First port tried for zero-cache (default 4848). */
  preferredZeroPort?: number;
  /** Receives one line per step (default console.log). */
  log?: (line: string) => void;
  /** Aborting stops whatever was started and rejects with an AbortError. */
  signal?: AbortSignal;
  /** External PostgreSQL (default: env DATABASE_URL); `false` always uses the embedded one. */
  externalDatabaseUrl?: string | false;
  /** Seed the demo organization (default: on a localhost public URL unless SPEDY_DEMO=0, or when SPEDY_DEMO=1). */
  demo?: boolean;
  /** Throwaway data (tests): the embedded PostgreSQL runs without fsync. */
  ephemeral?: boolean;
  /** Show next build's output live. */
  verboseBuild?: boolean;
  /** Copy the app server's output to our stdout (default: in dev mode). It always goes to logs/app.log. */
  echoApp?: boolean;
}

type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

export interface StackExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
}

export interface Stack {
  /** The public URL, e.g. http://localhost:3000 or https://spedy.example.com */
  appUrl: string;
  /** The app server on this machine, e.g. http://localhost:3000 (the same as appUrl on a local install). */
  localAppUrl: string;
  /** The one-time setup code for the first account of an invite-only install, while no one owns it. */
  setupCode: string | null;
  /** e.g. http://localhost:4848 */
  zeroUrl: string;
  databaseUrl: string;
  /** The demo sign-in when demo data is seeded, else null. */
  demo: DemoSignIn | null;
  dataDir: string;
  logDir: string;
  /** The environment given to the app server (DATABASE_URL, secrets, public URLs…), e.g. for tests. */
  appEnv: Record<string, string>;
  /** Resolves when a service exits by itself (a crash); never after stop() was called. */
  crashed: Promise<StackExit>;
  /** Stops zero-cache and the app server, then PostgreSQL. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the whole local stack: secrets → PostgreSQL (embedded, or external
 * with DATABASE_URL) → migrations → zero-cache, with the demo data while it
 * starts; the production build (unless dev) runs alongside all of it, and the
 * app server starts once the build is there. On failure or abort, everything
 * already started is stopped before the promise rejects.
 */
export async function startStack(options: StartStackOptions): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { signal } = options;
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  const dev = options.dev ?? false;
  const externalUrl = options.externalDatabaseUrl ?? process.env.DATABASE_URL ?? false;
  const localPublicUrl = !options.publicUrl || isLocalhostUrl(options.publicUrl);
  // The demo's owner can do anything: it exists only on a localhost install, or when asked for.
  const seed = options.demo ?? (process.env.SPEDY_DEMO === '1' || (localPublicUrl && process.env.SPEDY_DEMO !== '0'));
  const checkAbort = () => {
    if (signal?.aborted) throw abortError(signal);
  };

  let postgres: PostgresHandle | undefined;
  let app: AppServerHandle | undefined;
  let zero: ZeroCacheHandle | undefined;
  let lock: DataDirLock | undefined;
  let stopping: Promise<void> | undefined;
  // next build needs neither the database nor the ports: it runs from the start, alongside
  // PostgreSQL, the migrations and zero-cache (the first start used to wait for it in turn).
  const buildAbort = new AbortController();
  const forwardBuildAbort = () => buildAbort.abort(signal?.reason);
  signal?.addEventListener('abort', forwardBuildAbort, { once: true });
  let building: Promise<void> | undefined;
  // Aborted when one service fails (or on stop), so that nobody waits for the other.
  let services: AbortController | undefined;
  let zeroStarting: Promise<ZeroCacheHandle> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      buildAbort.abort();
      services?.abort();
      await Promise.all([building, zeroStarting].map((p) => p?.catch(() => undefined)));
      signal?.removeEventListener('abort', forwardBuildAbort);
      await Promise.all([zero?.stop(), app?.stop()].map((p) => p?.catch(() => undefined)));
      await postgres?.stop().catch(() => undefined);
      lock?.release();
    })();
    return stopping;
  };

  try {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
    // Before picking ports: processes a killed earlier start left behind may hold them.
    const runDir = path.join(dataDir, 'run');
    const [appLeft, zeroLeft] = await Promise.all([
      stopLeftovers(path.join(runDir, 'app.pid')),
      stopLeftovers(path.join(runDir, 'zero-cache.pid')),
    ]);
    const pgLeft = await stopLeftovers(path.join(runDir, 'postgres.pid'), 'SIGINT', 15_000);
    const leftovers = [appLeft && 'app server', zeroLeft && 'zero-cache', pgLeft && 'PostgreSQL'].filter(Boolean);
    if (leftovers.length > 0) log(`  stopped the ${leftovers.join(', ')} that an earlier, killed start left running`);

    let t = performance.now();
    const secrets = await loadOrCreateLocalSecrets(dataDir);
    log(`✓ Secrets ready (${displayPath(path.join(dataDir, 'secrets.json'))}) in ${since(t)}`);
    checkAbort();

    if (!dev) {
      const buildStarted = performance.now();
      building = ensureAppBuilt({
        verbose: options.verboseBuild,
        signal: buildAbort.signal,
        onBuildStart: (reason) => log(`… Building the app (next build, ${reason}; under a minute, alongside the next steps)`),
      }).then((built) => log(built ? `✓ App built in ${since(buildStarted)}` : `✓ App build up to date (${since(buildStarted)})`));
      // Awaited before the app server starts; until then a failure must not go unhandled.
      building.catch(() => undefined);
    }

    t = performance.now();
    let databaseUrl: string;
    if (externalUrl) {
      await checkExternalPostgres(externalUrl);
      databaseUrl = externalUrl;
      log(`✓ PostgreSQL (external, DATABASE_URL) ready in ${since(t)}`);
    } else {
      const port = await findFreePort(54320);
      postgres = await startPostgres({ dataDir, port, password: secrets.databasePassword, ephemeral: options.ephemeral, signal, log });
      databaseUrl = postgres.url;
      log(`✓ PostgreSQL (embedded, port ${port}) ready in ${since(t)}`);
    }
    checkAbort();

    // Both URLs must be known before either service starts.
    const appPort = options.port ?? (await findFreePort(options.preferredPort ?? 3000));
    if (options.port !== undefined && !(await isPortFree(options.port))) {
      throw new StackError(`Port ${options.port} is taken: stop whatever uses it, or set PORT to a free port.`);
    }
    const zeroPort = await findFreePort(options.preferredZeroPort ?? 4848, { count: 3, exclude: [appPort] });
    const localAppUrl = `http://localhost:${appPort}`;
    const appUrl = options.publicUrl?.replace(/\/+$/, '') ?? localAppUrl;
    const zeroUrl = `http://localhost:${zeroPort}`;

    // If one of the two fails, stop waiting for the other.
    const serviceAbort = new AbortController();
    services = serviceAbort;
    const forwardAbort = () => serviceAbort.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const failFast = (err: unknown): never => {
      serviceAbort.abort();
      buildAbort.abort();
      throw err;
    };

    t = performance.now();
    let migrated: Awaited<ReturnType<typeof migrateDatabase>>;
    try {
      migrated = await migrateDatabase(databaseUrl);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      throw new StackError(
        `The database migration failed: ${(err as Error).message}${cause instanceof Error ? ` (${cause.message})` : ''}`,
      );
    }
    if (migrated.applied) log(`✓ Database migrated in ${since(t)}`);
    else log(`! Database not migrated: ${migrated.reason}`);
    checkAbort();

    // zero-cache needs the migrated schema, not the demo data: it starts now and replicates the rest.
    const zeroStarted = performance.now();
    zeroStarting = startZeroCache({
      port: zeroPort,
      upstreamUrl: databaseUrl,
      dataDir,
      // zero-cache calls the mutate and query endpoints on this machine, not through the public URL.
      appUrl: localAppUrl,
      // Hex: zero-cache reads a value that starts with "-" (base64url can) as a flag.
      adminPassword: process.env.ZERO_ADMIN_PASSWORD || createHmac('sha256', secrets.betterAuthSecret).update('zero-admin-password').digest('hex').slice(0, 32),
      signal: serviceAbort.signal,
    }).then((handle) => {
      zero = handle;
      log(`✓ zero-cache ready in ${since(zeroStarted)}`);
      return handle;
    }, failFast);
    // Awaited below, after the demo data; until then a failure must not go unhandled.
    zeroStarting.catch(() => undefined);

    let demo: DemoSignIn | null = null;
    if (seed && migrated.applied) {
      t = performance.now();
      try {
        const { seedDemo } = await import('../lib/demo/seed.ts');
        demo = await seedDemo(databaseUrl, secrets.demoPassword);
      } catch (err) {
        throw new StackError(`Seeding the demo data failed: ${(err as Error).message} (start with SPEDY_DEMO=0 to skip it).`);
      }
      log(`✓ Demo data ready in ${since(t)}`);
      checkAbort();
    }

    let setupCode: string | null = null;
    if (migrated.applied && signUpMode({ SPEDY_PUBLIC_URL: options.publicUrl ?? 'http://localhost', SPEDY_SIGNUP: signUpSetting() }) === 'invite') {
      setupCode = await createSetupCodeFor(databaseUrl);
    }

    const appEnv: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      BETTER_AUTH_SECRET: secrets.betterAuthSecret,
      SPEDY_VAULT_MASTER_KEY: secrets.vaultMasterKey,
      SPEDY_PUBLIC_URL: appUrl,
      PORT: String(appPort),
      // Browsers sync through the app's own origin; the app forwards to zero-cache on loopback.
      ZERO_PUBLIC_URL: `${appUrl}/zero`,
      SPEDY_ZERO_INTERNAL_URL: `http://127.0.0.1:${zeroPort}`,
      // The demo's and the tests' git hosts are the test kit's servers on this machine.
      ...(seed || options.ephemeral ? { SPEDY_ALLOWED_INTERNAL_HOSTS: [process.env.SPEDY_ALLOWED_INTERNAL_HOSTS, '127.0.0.1'].filter(Boolean).join(',') } : {}),
      NODE_ENV: dev ? 'development' : 'production',
      ...(dev ? { SPEDY_DEV: '1' } : {}),
      ...options.extraAppEnv,
    };
    const appStarting = (building ?? Promise.resolve())
      .then(() => {
        const appStarted = performance.now();
        return startAppServer({
          port: appPort,
          dataDir,
          echo: options.echoApp ?? dev,
          signal: serviceAbort.signal,
          // A dev server compiles its health route on the first request: minutes on a loaded machine.
          ...(dev ? { timeoutMs: 180_000 } : {}),
          env: { ...appEnv, SPEDY_DEV: dev ? '1' : undefined },
        }).then((handle) => {
          app = handle;
          log(`✓ App server ready in ${since(appStarted)}`);
          return handle;
        });
      })
      .catch(failFast);
    lock.setAppUrl(localAppUrl);
    const results = await Promise.allSettled([appStarting, zeroStarting]);
    signal?.removeEventListener('abort', forwardAbort);
    signal?.removeEventListener('abort', forwardBuildAbort);
    checkAbort();
    // The first real failure, not the abort it caused in the other service.
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const failure = failures.find((e) => !isAbortError(e)) ?? failures[0];
    if (failure) throw failure;

    const watch = (name: string, handle: { exited: Promise<ExitStatus>; logFile: string }) =>
      handle.exited.then((r): StackExit => ({ name, ...r, logFile: handle.logFile }));
    const crashed = new Promise<StackExit>((resolve) => {
      const candidates = [watch('App server', app!), watch('zero-cache', zero!)];
      if (postgres) candidates.push(watch('PostgreSQL', postgres));
      void Promise.race(candidates).then((exit) => {
        if (!stopping) resolve(exit);
      });
    });

    return { appUrl, localAppUrl, setupCode, zeroUrl, databaseUrl, demo, dataDir, logDir, appEnv, crashed, stop };
  } catch (err) {
    await stop();
    throw signal?.aborted ? abortError(signal) : err;
  }
}
