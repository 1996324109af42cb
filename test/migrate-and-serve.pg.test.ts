// Running without the launcher (README "Running without the launcher"): `npm run migrate`
// against an external PostgreSQL, then the app server alone with only the documented settings.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot, projectRoot } from '../stack/paths.ts';
import { findFreePort } from '../stack/ports.ts';
import { spawnManaged, type ManagedProcess } from '../stack/process-group.ts';
import { waitForHttpOk } from '../stack/wait.ts';
import { testAppEnv, testStack } from './support/stack-env.ts';

const databaseName = `spedy_migrate_${randomBytes(4).toString('hex')}`;
let admin: pg.Client;
let databaseUrl: string;
let app: ManagedProcess | undefined;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: testStack().databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const url = new URL(testStack().databaseUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
});

afterAll(async () => {
  await app?.stop();
  await admin?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin?.end();
});

function npmRunMigrate(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', 'migrate'], { cwd: projectRoot, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

async function withDatabase<T>(read: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

const appliedMigrations = () =>
  withDatabase(async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n);

describe('running without the launcher', () => {
  it('npm run migrate refuses without DATABASE_URL, naming it', async () => {
    const { code, output } = await npmRunMigrate({ DATABASE_URL: '' });
    expect(code).not.toBe(0);
    expect(output).toContain('DATABASE_URL is not set');
  });

  it('npm run migrate creates the tables in a fresh database, and a second run changes nothing', async () => {
    const first = await npmRunMigrate({ DATABASE_URL: databaseUrl });
    expect(first.output).toContain('Database migrations applied');
    expect(first.code).toBe(0);
    const tables = await withDatabase(async (c) =>
      (await c.query<{ t: string | null }>(`SELECT to_regclass(t)::text AS t FROM unnest(ARRAY['public.user', 'public.organization', 'public.ticket', 'public.job', 'public.runner']) AS t`)).rows.map((r) => r.t),
    );
    expect(tables).toEqual(['"user"', 'organization', 'ticket', 'job', 'runner']);
    const journal = JSON.parse(fs.readFileSync(fromRoot('lib', 'db', 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(await appliedMigrations()).toBe(journal.entries.length);

    const second = await npmRunMigrate({ DATABASE_URL: databaseUrl });
    expect(second.code).toBe(0);
    expect(await appliedMigrations()).toBe(journal.entries.length);
  }, 120_000);

  it('the app server runs alone on the migrated database with only the documented settings', async () => {
    const stackEnv = testAppEnv();
    const port = await findFreePort(3980);
    app = spawnManaged({
      name: 'App server alone',
      command: process.execPath,
      args: ['--import', 'tsx', 'server/main.ts'],
      cwd: projectRoot,
      // Only what the README lists, not the test runner's environment.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: stackEnv.SPEDY_DEV ? 'development' : 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ...(stackEnv.SPEDY_DEV ? { SPEDY_DEV: stackEnv.SPEDY_DEV, SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-alone` } : {}),
        DATABASE_URL: databaseUrl,
        BETTER_AUTH_SECRET: stackEnv.BETTER_AUTH_SECRET,
        SPEDY_VAULT_MASTER_KEY: stackEnv.SPEDY_VAULT_MASTER_KEY,
        SPEDY_PUBLIC_URL: `http://localhost:${port}`,
        SPEDY_ZERO_INTERNAL_URL: testStack().zeroUrl,
        PORT: String(port),
        SPEDY_HOST: '127.0.0.1',
      },
      logFile: path.join(testStack().dataDir ?? fromRoot('.test-data'), 'logs', 'app-alone.log'),
      stopSignal: 'SIGTERM',
      graceMs: 5000,
    });
    await waitForHttpOk(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 150_000, proc: app });
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await app.stop();
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});
