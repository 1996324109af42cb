// The multi-node topology (README "Scaling out"), on a database made by `npm run migrate` and
// with nothing of the launcher: one PostgreSQL, zero-cache split into a replication manager
// (backing its replica up with Litestream to a file:// location) and two view-syncers (each
// restored from that backup, following the replication manager's change-streamer), and two
// app instances, each forwarding its browsers' sync connections to the view-syncer beside it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankBetween } from '../lib/tickets/rank.ts';
import { connectDb } from '../lib/db/client.ts';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { fromRoot, projectRoot } from '../stack/paths.ts';
import { findFreePort } from '../stack/ports.ts';
import { startReplicationManager, startViewSyncer } from '../stack/zero-cache-split.ts';
import type { ZeroCacheHandle } from '../stack/zero-cache.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { signUp } from './support/accounts.ts';
import { sql } from './support/db.ts';
import { poll } from './support/poll.ts';
import { contextOf, createProject, createTicket, openBoard, serverVerdict, type Member } from './support/fixtures.ts';
import { isLoopback, listeningSockets, processesInGroups } from './support/listening-sockets.ts';
import { openRunnerSocket, registerRunner, runnerApi, type RunnerSocket } from './support/runners.ts';
import { testAppEnv, testStack } from './support/stack-env.ts';
import { connectZero, waitForData } from './support/zero-client.ts';

const appId = 'spedy_multinode';
const databaseName = `spedy_multinode_${randomBytes(4).toString('hex')}`;
const dataDir = path.join(testStack().dataDir ?? fromRoot('.test-data'), 'multi-node');
const backupDir = path.join(dataDir, 'litestream-backup');
const adminPassword = randomBytes(18).toString('hex');

let databaseUrl: string;
let replicationManager: ZeroCacheHandle | undefined;
const viewSyncers: ZeroCacheHandle[] = [];
const apps: AppServerHandle[] = [];
const members: Member[] = [];
const sockets: RunnerSocket[] = [];

function npmRunMigrate(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['run', 'migrate'], { cwd: projectRoot, env: { ...process.env, DATABASE_URL: url } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm run migrate failed: ${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** An app instance with the settings README "Running without the launcher" lists, on its own port. */
async function startInstance(name: string, port: number, zeroInternalUrl: string): Promise<AppServerHandle> {
  const { DATABASE_URL: _stackDatabase, ZERO_PUBLIC_URL: _stackZero, ...env } = testAppEnv();
  return startAppServer({
    port,
    dataDir: path.join(dataDir, name),
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      SPEDY_PUBLIC_URL: `http://localhost:${port}`,
      ZERO_PUBLIC_URL: undefined,
      SPEDY_ZERO_INTERNAL_URL: zeroInternalUrl,
      SPEDY_HOST: '127.0.0.1',
      SPEDY_AUTH_RATE_LIMIT: '0',
      // Two Next dev servers cannot share an output folder.
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-multi-node-${name}` } : {}),
    },
    timeoutMs: 150_000,
  });
}

/** A member who signed up through `app` and syncs through it (its `/zero` path, as a browser does). */
async function memberOn(app: AppServerHandle, name: string, orgs: Member['context']['orgs'] = {}): Promise<Member> {
  const account = await signUp(app.url, databaseUrl, name);
  for (const [orgID, role] of Object.entries(orgs)) {
    await sql(databaseUrl, 'INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, $4)', [nanoid(), orgID, account.userID, role]);
  }
  const context = contextOf(account, orgs);
  const member = { ...account, context, zero: connectZero({ cacheURL: `${app.url}/zero`, userID: account.userID, token: account.token, context }) };
  members.push(member);
  return member;
}

beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const admin = testStack().databaseUrl;
  await sql(admin, `CREATE DATABASE ${databaseName}`);
  const url = new URL(admin);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  expect(await npmRunMigrate(databaseUrl)).toContain('Database migrations applied');

  const [portA, portB] = [await findFreePort(4300), await findFreePort(4310)];
  const managerPort = await findFreePort(4320, { count: 3, exclude: [portA, portB] });
  const taken = [portA, portB, managerPort, managerPort + 1, managerPort + 2];
  const syncerPortA = await findFreePort(4330, { count: 3, exclude: taken });
  const syncerPortB = await findFreePort(4340, { count: 3, exclude: [...taken, syncerPortA, syncerPortA + 1, syncerPortA + 2] });
  const split = { upstreamUrl: databaseUrl, adminPassword, appId, timeoutMs: 150_000 };

  // The apps need not wait for zero-cache (they reach it per sync connection), so start together.
  const started = Promise.all([
    startInstance('app-a', portA, `http://127.0.0.1:${syncerPortA}`),
    startInstance('app-b', portB, `http://127.0.0.1:${syncerPortB}`),
  ]);
  replicationManager = await startReplicationManager({ ...split, port: managerPort, dataDir: path.join(dataDir, 'replication-manager'), backupUrl: `file://${backupDir}` });
  const syncerBeside = (name: string, port: number, appPort: number) =>
    startViewSyncer({
      ...split,
      port,
      dataDir: path.join(dataDir, name),
      changeStreamerUrl: `http://127.0.0.1:${managerPort + 1}/`,
      // Mutations and queries go to the app instance beside it.
      appUrl: `http://localhost:${appPort}`,
      // The restore is logged at info level: the test reads it to know the backup was used.
      env: { ZERO_LOG_LEVEL: 'info' },
    });
  viewSyncers.push(...(await Promise.all([syncerBeside('view-syncer-a', syncerPortA, portA), syncerBeside('view-syncer-b', syncerPortB, portB)])));
  apps.push(...(await started));
}, 300_000);

afterAll(async () => {
  await Promise.all(members.map((m) => m.zero.close()));
  await Promise.all(sockets.map((s) => s.close()));
  await Promise.all(apps.map((a) => a.stop()));
  await Promise.all(viewSyncers.map((v) => v.stop()));
  await replicationManager?.stop();
  const admin = testStack().databaseUrl;
  // The replication manager's slot would keep the database (and WAL) alive; its sender ends
  // a moment after the process.
  await poll('the replication slot to be released', async () => {
    const slots = await sql<{ active: boolean }>(admin, 'SELECT active FROM pg_replication_slots WHERE database = $1', [databaseName]);
    return slots.every((s) => !s.active);
  }, 30_000, 200);
  // A logical slot is dropped from its own database.
  if (databaseUrl) await sql(databaseUrl, 'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database()');
  await sql(admin, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
}, 60_000);

describe('zero-cache split into a replication manager and a view-syncer', () => {
  it('each view-syncer started from the Litestream backup, and the change-streamer listens on loopback only', () => {
    const generations = fs.readdirSync(path.join(backupDir, 'generations'));
    expect(generations.length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(backupDir, 'generations', generations[0]!, 'snapshots')).length).toBeGreaterThan(0);
    for (const syncer of viewSyncers) {
      const log = fs.readFileSync(syncer.logFile, 'utf8');
      expect(log).toContain(`restoring backup from file://${backupDir}`);
      expect(log).toMatch(/Local replica at version \S+ and watermark \S+ is compatible/);
    }

    const recorded = ['replication-manager', 'view-syncer-a', 'view-syncer-b'].flatMap((name) => {
      const file = path.join(dataDir, name, 'run', 'zero-cache.pid');
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }[]).map((p) => p.pid);
    });
    const listening = listeningSockets([...new Set([...recorded, ...processesInGroups(recorded)])]);
    expect(listening.map((s) => s.port)).toEqual(expect.arrayContaining([replicationManager!.port, replicationManager!.port + 1, ...viewSyncers.map((v) => v.port)]));
    expect(listening.filter((s) => !isLoopback(s.address))).toEqual([]);
  });
});

describe('two app instances on one PostgreSQL, each with a view-syncer beside it', () => {
  it("shows a member on each instance the other's board edits live", async () => {
    const [a, b] = apps as [AppServerHandle, AppServerHandle];
    const owner = await memberOn(a, 'Owner On A');
    const teammate = await memberOn(b, 'Teammate On B', { [owner.orgID]: 'member' });
    const project = await createProject(owner, 'MN');
    await openBoard(teammate, project);

    const onB = teammate.zero.materialize(queries.boardTickets({ orgID: owner.orgID, projectID: project.id }));
    const onA = owner.zero.materialize(queries.boardTickets({ orgID: owner.orgID, projectID: project.id }));
    const created = await createTicket(owner, project, 'Made on A');
    await waitForData(onB, (rows) => rows.some((t) => t.id === created && t.title === 'Made on A' && t.number === 1), 20_000);

    const done = project.statuses[4]!.id;
    expect(await serverVerdict(teammate.zero.mutate(mutators.ticket.move({ id: created, statusID: done, rank: rankBetween(null, null) })))).toBeNull();
    await waitForData(onA, (rows) => rows.some((t) => t.id === created && t.statusId === done), 20_000);

    const fromB = await createTicket(teammate, project, 'Made on B');
    await waitForData(onA, (rows) => rows.some((t) => t.id === fromB && t.number === 2), 20_000);
    onA.destroy();
    onB.destroy();
  }, 180_000);

  it('offers a job created through one instance to a runner connected to the other, which claims it', async () => {
    const [a, b] = apps as [AppServerHandle, AppServerHandle];
    const owner = await memberOn(a, 'Jobs Owner On A');
    const { db, close } = connectDb(databaseUrl);
    const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'multi-node', createdBy: owner.userID }).finally(close);
    const runnerId = await registerRunner(runnerApi(b.url, issued.token), { name: 'on-instance-b', labels: ['multi-node'] });
    const socket = await openRunnerSocket(b.url, runnerId, issued.token);
    sockets.push(socket);
    await socket.next('welcome');

    const res = await fetch(`${a.url}/api/orgs/${owner.orgID}/jobs`, {
      method: 'POST',
      headers: { origin: a.url, cookie: owner.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Made through A', instructions: 'Say hello.', type: 'batch', requiredLabels: ['multi-node'] }),
    });
    expect(res.status).toBe(200);
    const { job } = (await res.json()) as { job: { id: string; status: string } };
    expect(job.status).toBe('ready');

    await socket.next('offer', (m) => m.jobId === job.id, 20_000);
    socket.send({ type: 'claim', requestId: 'claim-1', jobId: job.id });
    expect((await socket.next('claimed')).job?.id).toBe(job.id);
    const [row] = await sql<{ status: string; runner_id: string }>(databaseUrl, 'SELECT status, runner_id FROM job WHERE id = $1', [job.id]);
    expect(row).toEqual({ status: 'claimed', runner_id: runnerId });
  }, 120_000);
});
