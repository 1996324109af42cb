// Controls survive a runner that is away: the user answers or stops while the runner's
// socket is down, and the runner gets the control once it is back (socket or heartbeat),
// once, until it acknowledges it; a control whose job ended is never sent.
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../lib/db/client.ts';
import { createJob } from '../lib/jobs/create.ts';
import type { ServerMessage } from '@spedy/protocol/wire';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { openRunnerSocket, registerRunner, runnerApi, sampleSnapshot, type RunnerApi, type RunnerSocket } from './support/runners.ts';
import { poll } from './support/poll.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';

let owner: Member;
let db: Db;
let closeDb: () => Promise<void>;
let token: string;
let api: RunnerApi;
const sockets: RunnerSocket[] = [];

beforeAll(async () => {
  owner = await newMember('Resilient Owner');
  ({ db, close: closeDb } = connectDb(testStack().databaseUrl));
  token = (await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'resilience', createdBy: owner.userID })).token;
  api = runnerApi(testStack().appUrl, token);
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await closeDb?.();
  await owner?.zero.close();
});

async function connect(runnerId: string): Promise<RunnerSocket> {
  const socket = await openRunnerSocket(testStack().appUrl, runnerId, token);
  sockets.push(socket);
  await socket.next('welcome');
  return socket;
}

/** A runner holding a job that it moved to `status` (as the supervisor would, over its socket). */
async function runnerWithJob(statuses: string[]): Promise<{ runnerId: string; jobId: string; socket: RunnerSocket }> {
  const label = `resilience-${nanoid(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const runnerId = await registerRunner(api, { labels: [label] });
  const job = await db.transaction((tx) => createJob(tx, { organizationId: owner.orgID, type: 'batch', title: 'Away runner', snapshot: sampleSnapshot(), requiredLabels: [label] }));
  const socket = await connect(runnerId);
  socket.send({ type: 'claim', requestId: 'claim', jobId: job.id });
  expect((await socket.answer('claim')) as ServerMessage).toMatchObject({ type: 'claimed', job: { id: job.id } });
  for (const status of statuses) {
    socket.send({ type: 'status', requestId: status, jobId: job.id, status });
    expect(await socket.answer(status)).toEqual({ type: 'status-ok', requestId: status, status });
  }
  return { runnerId, jobId: job.id, socket };
}

async function seenAs(jobId: string, status: string) {
  await waitForData(owner.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: jobId })), (job) => job?.status === status);
}

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => poll(what, check, timeoutMs, 100);

const controlsOf = (socket: RunnerSocket) => socket.messages.filter((m) => m.type === 'control');
const storedControls = (jobId: string) =>
  sql<{ action: string; acked: boolean }>(testStack().databaseUrl, 'SELECT action, acked_at IS NOT NULL AS acked FROM secure.job_control WHERE job_id = $1 ORDER BY seq', [jobId]);

describe('controls for a runner that is away', () => {
  it('gives an answer sent while the socket was down to the reconnected runner, once', async () => {
    const { runnerId, jobId, socket } = await runnerWithJob(['preparing', 'executing', 'running', 'waiting_for_input']);
    await socket.close();
    await seenAs(jobId, 'waiting_for_input');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id: jobId, action: 'input', text: 'Use PostgreSQL 16.' })))).toBeNull();

    // Back: the answer comes right after the welcome, and again on every connect until acknowledged.
    const back = await connect(runnerId);
    const answer = await back.next('control');
    expect(answer).toEqual({ type: 'control', jobId, action: 'input', text: 'Use PostgreSQL 16.', controlId: expect.any(String) });
    await back.close();
    const again = await connect(runnerId);
    expect(await again.next('control')).toEqual(answer);
    again.send({ type: 'control-ack', controlIds: [answer.type === 'control' ? answer.controlId : ''] });
    await until('the acknowledgement is stored', async () => (await storedControls(jobId))[0].acked);
    again.send({ type: 'heartbeat', activeJobIds: [jobId] });
    // Answered, the job is Ready again for this runner only (it takes it back when it has a free slot).
    expect(await again.next('heartbeat-ok')).toEqual({ type: 'heartbeat-ok', jobs: [{ id: jobId, status: 'ready' }] });
    await again.close();

    // Acknowledged: the next connection gets the next control (a Stop) and nothing before it.
    const last = await connect(runnerId);
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: jobId })))).toBeNull();
    const stop = await last.next('control');
    expect(stop).toEqual({ type: 'control', jobId, action: 'stop', controlId: expect.any(String) });
    last.send({ type: 'control-ack', controlIds: [stop.type === 'control' ? stop.controlId : ''] });
    await until('the acknowledgement is stored', async () => (await storedControls(jobId))[1].acked);
    last.send({ type: 'heartbeat', activeJobIds: [jobId] });
    expect(await last.next('heartbeat-ok')).toEqual({ type: 'heartbeat-ok', jobs: [{ id: jobId, status: 'stopped' }] });
    // The Stop may have come twice (the connect's read and the notice's); the answer never again.
    expect(controlsOf(last).filter((m) => m.type === 'control' && m.controlId !== (stop.type === 'control' ? stop.controlId : ''))).toEqual([]);
    expect(await storedControls(jobId)).toEqual([
      { action: 'input', acked: true },
      { action: 'stop', acked: true },
    ]);
  }, 60_000);

  it('hands a Stop to a runner without a socket in its heartbeat answer, until the heartbeat acknowledges it', async () => {
    const { runnerId, jobId, socket } = await runnerWithJob(['preparing', 'executing', 'running']);
    await socket.close();
    await seenAs(jobId, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: jobId })))).toBeNull();

    const first = await api.post('heartbeat', { runnerId, activeJobIds: [jobId] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'online', jobs: [{ id: jobId, status: 'stopped' }], controls: [{ type: 'control', jobId, action: 'stop', controlId: expect.any(String) }] });
    // Not acknowledged yet: sent again.
    const second = await api.post('heartbeat', { runnerId, activeJobIds: [jobId] });
    expect(second.body.controls).toEqual(first.body.controls);
    const controlId = first.body.controls[0].controlId as string;
    const acked = await api.post('heartbeat', { runnerId, activeJobIds: [jobId], ackedControlIds: [controlId] });
    expect(acked.body).toEqual({ status: 'online', jobs: [{ id: jobId, status: 'stopped' }] });

    // Continued while away, then the job fails before the runner hears of it: that Continue is obsolete.
    await seenAs(jobId, 'stopped');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id: jobId, action: 'continue' })))).toBeNull();
    expect((await api.post('heartbeat', { runnerId, activeJobIds: [jobId] })).body.controls).toEqual([{ type: 'control', jobId, action: 'continue', controlId: expect.any(String) }]);
    expect((await api.post(`jobs/${jobId}/status`, { runnerId, status: 'failed', reason: 'Gave up' })).status).toBe(200);
    expect((await api.post('heartbeat', { runnerId, activeJobIds: [jobId] })).body).toEqual({ status: 'online', jobs: [{ id: jobId, status: 'failed' }] });
    const reconnected = await connect(runnerId);
    reconnected.send({ type: 'heartbeat', activeJobIds: [] });
    await reconnected.next('heartbeat-ok');
    expect(controlsOf(reconnected)).toEqual([]);
  }, 60_000);

  it('never gives one runner the controls of another, nor takes its acknowledgements', async () => {
    const { jobId, socket } = await runnerWithJob(['preparing', 'executing', 'running']);
    const otherId = await registerRunner(api, { labels: ['resilience-other'] });
    await seenAs(jobId, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: jobId })))).toBeNull();
    const stop = await socket.next('control');
    const controlId = stop.type === 'control' ? stop.controlId : '';
    const other = await api.post('heartbeat', { runnerId: otherId, activeJobIds: [], ackedControlIds: [controlId] });
    expect(other.body).toEqual({ status: 'online', jobs: [] });
    expect(await storedControls(jobId)).toEqual([{ action: 'stop', acked: false }]);
  }, 60_000);
});
