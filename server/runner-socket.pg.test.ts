import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, openRunnerSocket, registerRunner, runnerApi, type RunnerOrg, type RunnerSocket } from '../test/support/runners.ts';
import { testStack } from '../test/support/stack-env.ts';
import { sendJobControl } from '../lib/jobs/control.ts';
import { runnerSocketCloseCodes } from '@spedy/protocol/wire';
import { issueRunnerToken, revokeRunnerToken } from '../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';

let org: RunnerOrg;
const sockets: RunnerSocket[] = [];

beforeAll(async () => {
  org = await newRunnerOrg('Socket Owner');
});

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await org?.closeDb();
});

async function connect(runnerId: string, token = org.token): Promise<RunnerSocket> {
  const socket = await openRunnerSocket(testStack().appUrl, runnerId, token);
  sockets.push(socket);
  await socket.next('welcome');
  return socket;
}

function closed(socket: RunnerSocket): Promise<number> {
  return new Promise((resolve) => socket.ws.once('close', (code) => resolve(code)));
}

describe('runner socket', () => {
  it('refuses the upgrade with the API status and message when the token or runner is wrong', async () => {
    const runnerId = await registerRunner(org.api);
    const other = await registerRunner(org.api);
    const scoped = await issueRunnerToken(org.db, runnerTokenHashKey(), { orgId: org.account.orgID, name: 'scoped', runnerId, createdBy: null });
    const refusal = (id: string, token: string) => openRunnerSocket(testStack().appUrl, id, token).then(() => 101, (e: { status?: number }) => e.status);
    expect(await refusal(runnerId, `rnt_${'0'.repeat(64)}`)).toBe(401);
    expect(await refusal('no-such-runner', org.token)).toBe(404);
    expect(await refusal(other, scoped.token)).toBe(403);
    const stranger = await newRunnerOrg('Socket Stranger');
    try {
      expect(await refusal(runnerId, stranger.token)).toBe(404);
    } finally {
      await stranger.closeDb();
    }
  });

  it('offers a matching job the moment it is created, and only to runners that match', async () => {
    const runnerId = await registerRunner(org.api, { labels: ['backend'] });
    const socket = await connect(runnerId);
    const [elsewhere] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: ['frontend'] });
    const [mine] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: ['backend'] });
    await socket.next('offer', (m) => m.jobId === mine);
    expect(socket.messages.filter((m) => m.type === 'offer' && m.jobId === elsewhere)).toEqual([]);
    // Take it, so the next tests' runners are not offered it.
    socket.send({ type: 'claim', requestId: 'r1', jobId: mine });
    expect((await socket.next('claimed')).job?.id).toBe(mine);
    await sql(testStack().databaseUrl, "UPDATE job SET status = 'failed' WHERE id = $1", [elsewhere]);
  });

  it('carries claim, events, status and heartbeat, answering each', async () => {
    const runnerId = await registerRunner(org.api, { labels: ['socket-flow'] });
    const socket = await connect(runnerId);
    const [jobId] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: ['socket-flow'] });
    await socket.next('offer', (m) => m.jobId === jobId);

    socket.send({ type: 'claim', requestId: 'c1', jobId });
    const claimed = await socket.next('claimed', (m) => m.requestId === 'c1');
    expect(claimed.job).toMatchObject({ id: jobId, status: 'claimed' });
    socket.send({ type: 'claim', requestId: 'c2', jobId });
    expect((await socket.next('claimed', (m) => m.requestId === 'c2')).job).toBeNull();

    socket.send({ type: 'status', requestId: 's1', jobId, status: 'preparing' });
    expect(await socket.next('status-ok', (m) => m.requestId === 's1')).toEqual({ type: 'status-ok', requestId: 's1', status: 'preparing' });
    socket.send({ type: 'status', requestId: 's2', jobId, status: 'completed' });
    expect(await socket.next('error', (m) => m.requestId === 's2')).toMatchObject({ message: 'A job that is Preparing cannot become Completed.' });

    const events = [1, 2, 3].map((seq) => ({ seq, type: 'log', payload: { seq }, at: Date.now() }));
    socket.send({ type: 'events', jobId, events });
    expect(await socket.next('ack')).toEqual({ type: 'ack', jobId, ackedSeq: 3 });
    socket.send({ type: 'events', jobId, events });
    expect(await socket.next('ack')).toEqual({ type: 'ack', jobId, ackedSeq: 3 });
    const [{ n }] = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [jobId]);
    expect(n).toBe(3);

    await sql(testStack().databaseUrl, 'UPDATE runner SET last_heartbeat_at = 0 WHERE id = $1', [runnerId]);
    socket.send({ type: 'heartbeat', activeJobIds: [jobId] });
    expect(await socket.next('heartbeat-ok')).toEqual({ type: 'heartbeat-ok', jobs: [{ id: jobId, status: 'preparing' }] });
    const [row] = await sql(testStack().databaseUrl, 'SELECT last_heartbeat_at FROM runner WHERE id = $1', [runnerId]);
    expect(row.last_heartbeat_at).toBeGreaterThan(Date.now() - 10_000);
  });

  it('answers malformed messages with an error and keeps the socket open', async () => {
    const runnerId = await registerRunner(org.api);
    const socket = await connect(runnerId);
    socket.send('{not json');
    expect((await socket.next('error')).message).toBe('The message is not valid JSON.');
    socket.send({ type: 'claim', requestId: 'bad', jobId: 42 });
    expect(await socket.next('error')).toMatchObject({ requestId: 'bad', message: expect.stringMatching(/^The message is invalid: jobId: /) });
    socket.send({ type: 'launch-missiles' });
    expect((await socket.next('error')).message).toMatch(/is invalid/);
    socket.send({ type: 'events', jobId: 'x', events: Array.from({ length: 501 }, (_, i) => ({ seq: i + 1, type: 'log', payload: {}, at: 1 })) });
    expect(await socket.next('error')).toMatchObject({ jobId: 'x', message: expect.stringMatching(/<=500 items/) });
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await socket.next('error')).message).toBe('Send messages as JSON text frames.');
    socket.send({ type: 'status', requestId: 'theirs', jobId: 'someone-elses', status: 'failed' });
    expect(await socket.next('error', (m) => m.requestId === 'theirs')).toMatchObject({ message: 'No such job in this organization.' });
    socket.send({ type: 'claim', requestId: 'still-here' });
    expect(await socket.next('claimed', (m) => m.requestId === 'still-here')).toBeTruthy();
  });

  it('offers jobs that were already waiting when the runner connects', async () => {
    const label = `waiting-${nanoid(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    const jobIds = await createReadyJobs(org.db, org.account.orgID, 3, { requiredLabels: [label] });
    const runnerId = await registerRunner(org.api, { labels: [label], poolSize: 2 });
    const socket = await connect(runnerId);
    // Two free slots: the two oldest are offered.
    await socket.next('offer', (m) => m.jobId === jobIds[0]);
    await socket.next('offer', (m) => m.jobId === jobIds[1]);
    // One round trip: an offer of the third, sent with the first two, would have arrived before its answer.
    socket.send({ type: 'heartbeat', activeJobIds: [] });
    await socket.next('heartbeat-ok');
    expect(socket.messages.filter((m) => m.type === 'offer' && m.jobId === jobIds[2])).toEqual([]);
  });

  it('offers what waits when a full runner finishes a job', async () => {
    const label = 'capacity-socket';
    const runnerId = await registerRunner(org.api, { labels: [label], poolSize: 1 });
    const socket = await connect(runnerId);
    const [first] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: [label] });
    await socket.next('offer', (m) => m.jobId === first);
    socket.send({ type: 'claim', requestId: 'take', jobId: first });
    await socket.next('claimed');
    // A second runner with a free slot: its offer shows the new job's offers were sent,
    // and one round trip on the full runner's socket brings any offer sent to it too.
    const witness = await connect(await registerRunner(org.api, { labels: [label], poolSize: 1 }));
    const [second] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: [label] });
    await witness.next('offer', (m) => m.jobId === second);
    socket.send({ type: 'heartbeat', activeJobIds: [first] });
    await socket.next('heartbeat-ok');
    expect(socket.messages.filter((m) => m.type === 'offer' && m.jobId === second)).toEqual([]);
    socket.send({ type: 'status', requestId: 'fail', jobId: first, status: 'error', reason: 'Docker is not running' });
    await socket.next('status-ok');
    await socket.next('offer', (m) => m.jobId === second);
  });

  it('delivers control messages for the jobs a runner holds', async () => {
    const runnerId = await registerRunner(org.api, { labels: ['control'] });
    const socket = await connect(runnerId);
    const [jobId] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: ['control'] });
    socket.send({ type: 'claim', requestId: 'c', jobId });
    await socket.next('claimed');
    await org.db.transaction((tx) => sendJobControl(tx, { organizationId: org.account.orgID, jobId, action: 'input', text: 'Use PostgreSQL 16.' }));
    expect(await socket.next('control')).toEqual({ type: 'control', jobId, action: 'input', text: 'Use PostgreSQL 16.', controlId: expect.any(String) });
    await expect(sendJobControl(org.db, { organizationId: org.account.orgID, jobId, action: 'input', text: 'x'.repeat(9000) })).rejects.toThrow(/too long/);
    const stranger = await newRunnerOrg('Control Stranger');
    try {
      await expect(sendJobControl(stranger.db, { organizationId: stranger.account.orgID, jobId, action: 'stop' })).rejects.toThrow('No such job in this organization.');
    } finally {
      await stranger.closeDb();
    }
  });

  it('closes sockets of a token as soon as it is revoked, and refuses messages once it expires', async () => {
    const revocable = await issueRunnerToken(org.db, runnerTokenHashKey(), { orgId: org.account.orgID, name: 'socket revoke', createdBy: null });
    // A token acts only as the runner it registered.
    const runnerId = await registerRunner(runnerApi(testStack().appUrl, revocable.token));
    const socket = await connect(runnerId, revocable.token);
    const code = closed(socket);
    await revokeRunnerToken(org.db, { orgId: org.account.orgID, tokenId: revocable.id });
    expect(await code).toBe(runnerSocketCloseCodes.tokenRefused);

    const expiring = await issueRunnerToken(org.db, runnerTokenHashKey(), { orgId: org.account.orgID, name: 'socket expiry', createdBy: null });
    // The revoked token's runner moves to the new token by registering again.
    const [{ name }] = await sql(testStack().databaseUrl, 'SELECT name FROM runner WHERE id = $1', [runnerId]);
    expect(await registerRunner(runnerApi(testStack().appUrl, expiring.token), { name })).toBe(runnerId);
    const second = await connect(runnerId, expiring.token);
    await sql(testStack().databaseUrl, 'UPDATE runner_token SET expires_at = $2 WHERE id = $1', [expiring.id, Date.now() - 1]);
    const secondCode = closed(second);
    second.send({ type: 'claim', requestId: 'late' });
    expect((await second.next('error', (m) => m.requestId === 'late')).message).toMatch(/expired/);
    expect(await secondCode).toBe(runnerSocketCloseCodes.tokenRefused);
  });
});
