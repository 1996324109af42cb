// Two platform instances on one PostgreSQL: nothing a runner needs may live in one
// instance's memory.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, sampleSnapshot, openRunnerSocket, registerRunner, runnerApi, type RunnerOrg, type RunnerSocket } from '../test/support/runners.ts';
import { testAppEnv, testStack } from '../test/support/stack-env.ts';
import { sendJobControl } from '../lib/jobs/control.ts';
import { createJob } from '../lib/jobs/create.ts';
import { addComment } from '../lib/tickets/comment.ts';
import { createBoardWithTicket } from '../test/support/board.ts';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';
import { runnerOfflineReason } from '../lib/runners/heartbeat-monitor.ts';
import { poll } from '../test/support/poll.ts';

let second: AppServerHandle;
let org: RunnerOrg;
const sockets: RunnerSocket[] = [];

beforeAll(async () => {
  const env = testAppEnv();
  const dataDir = path.join(testStack().dataDir ?? '.test-data', 'instance-2');
  second = await startAppServer({
    port: await findFreePort(3900),
    dataDir,
    env: {
      ...env,
      // Sweeps often, so it is the instance that catches a lost runner first (the other sweeps too).
      SPEDY_HEARTBEAT_SWEEP_MS: '250',
      // Two Next dev servers cannot share an output folder.
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-instance-2` } : {}),
    },
    timeoutMs: 150_000,
  });
  org = await newRunnerOrg('Two Instances Owner');
}, 180_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await org?.closeDb();
  await second?.stop();
});

async function connect(appUrl: string, runnerId: string): Promise<RunnerSocket> {
  const socket = await openRunnerSocket(appUrl, runnerId, org.token);
  sockets.push(socket);
  await socket.next('welcome');
  return socket;
}

async function appLogLines(match: string): Promise<string[]> {
  const first = path.join(testStack().dataDir ?? '', 'logs', 'app.log');
  const texts = await Promise.all([first, second.logFile].map((f) => fs.readFile(f, 'utf8')));
  return texts.flatMap((t) => t.split('\n')).filter((line) => line.includes(match));
}

describe('two platform instances on one PostgreSQL', () => {
  it('offers a job to runners on either instance, wherever it was created or handed back', async () => {
    const one = runnerApi(testStack().appUrl, org.token);
    const two = runnerApi(second.url, org.token);
    const onOne = await registerRunner(one, { name: 'on-instance-1', labels: ['two-instances'] });
    const onTwo = await registerRunner(two, { name: 'on-instance-2', labels: ['two-instances'] });
    const socketOne = await connect(testStack().appUrl, onOne);
    const socketTwo = await connect(second.url, onTwo);

    // Created in a transaction of its own (as a trigger on any instance would): both hear of it.
    const [jobId] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: ['two-instances'] });
    await Promise.all([socketOne.next('offer', (m) => m.jobId === jobId), socketTwo.next('offer', (m) => m.jobId === jobId)]);

    // Claimed on instance 2, then handed back through instance 2's HTTP route: instance 1's runner is offered it.
    socketTwo.send({ type: 'claim', requestId: 'two', jobId });
    expect((await socketTwo.next('claimed')).job?.id).toBe(jobId);
    const handedBack = await two.post(`jobs/${jobId}/status`, { runnerId: onTwo, status: 'ready', reason: 'Shutting down' });
    expect(handedBack.status).toBe(200);
    await socketOne.next('offer', (m) => m.jobId === jobId);
    socketOne.send({ type: 'claim', requestId: 'one', jobId });
    expect((await socketOne.next('claimed')).job?.id).toBe(jobId);

    // Control for instance 1's runner, sent from elsewhere.
    await org.db.transaction((tx) => sendJobControl(tx, { organizationId: org.account.orgID, jobId, action: 'stop' }));
    expect(await socketOne.next('control')).toEqual({ type: 'control', jobId, action: 'stop', controlId: expect.any(String) });
    expect(socketTwo.messages.filter((m) => m.type === 'control')).toEqual([]);
  });

  it("tells the runner on the other instance when a person comments on its job's ticket", async () => {
    const runnerId = await registerRunner(runnerApi(second.url, org.token), { name: 'context-on-instance-2', labels: ['ticket-context'] });
    const socket = await connect(second.url, runnerId);
    const board = await createBoardWithTicket(testStack().databaseUrl, { orgId: org.account.orgID, creatorId: org.account.userID, key: 'CTX' });
    const jobId = await org.db.transaction(async (tx) => {
      const job = await createJob(tx, {
        organizationId: org.account.orgID,
        type: 'board_interaction',
        title: '@team on CTX-1',
        snapshot: sampleSnapshot(),
        ticketId: board.ticketId,
        projectId: board.projectId,
        requiredLabels: ['ticket-context'],
      });
      return job.id;
    });
    socket.send({ type: 'claim', requestId: 'context', jobId });
    expect((await socket.next('claimed')).job?.id).toBe(jobId);

    // Written through this process's own connection, not instance 2's: the notice finds the socket.
    await org.db.transaction((tx) =>
      addComment(tx, { organizationId: org.account.orgID, ticketId: board.ticketId, authorId: org.account.userID, body: 'One more case: uppercase.' }, { trigger: false }),
    );
    expect(await socket.next('ticket-changed')).toEqual({ type: 'ticket-changed', jobId });
  });

  it("fails a lost runner's jobs once, not once per instance", async () => {
    const db = testStack().databaseUrl;
    await sql(db, 'INSERT INTO runner_settings (organization_id, offline_timeout_seconds, auto_create_jobs, retrigger_on_review) VALUES ($1, 2, false, false)', [org.account.orgID]);
    const api = runnerApi(testStack().appUrl, org.token);
    const runnerId = await registerRunner(api, { name: 'lost-between-instances', labels: ['lost-between'] });
    const jobIds = await createReadyJobs(org.db, org.account.orgID, 2, { requiredLabels: ['lost-between'] });
    for (const jobId of jobIds) expect((await api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);

    const failed = await poll('both jobs to fail', async () => {
      const rows = await sql<{ id: string; status_reason: string; updated_at: number }>(db, "SELECT id, status_reason, updated_at FROM job WHERE id = ANY($1) AND status = 'failed' ORDER BY id", [jobIds]);
      return rows.length === 2 && rows;
    }, 20_000, 200);
    expect(failed).toHaveLength(2);
    for (const job of failed) expect(job.status_reason).toBe(runnerOfflineReason('lost-between-instances', 2));
    const reports = await poll('the Offline report', async () => {
      const lines = await appLogLines(`runner ${runnerId} is Offline`);
      return lines.length > 0 && lines;
    }, 10_000, 200);

    // The instances keep sweeping: a runner that goes quiet now is found by a later sweep, which
    // must leave the first runner's jobs and report alone.
    const laterRunnerId = await registerRunner(api, { name: 'lost-later', labels: ['lost-later'] });
    await poll('a later sweep', async () => {
      const [row] = await sql<{ status: string }>(db, 'SELECT status FROM runner WHERE id = $1', [laterRunnerId]);
      return row?.status === 'offline';
    }, 20_000, 200);
    const after = await sql(db, 'SELECT id, status_reason, updated_at FROM job WHERE id = ANY($1) ORDER BY id', [jobIds]);
    expect(after).toEqual(failed);
    expect(await appLogLines(`runner ${runnerId} is Offline`)).toEqual(reports);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('failed 2 active job(s)');
  }, 40_000);
});
