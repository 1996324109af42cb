// An epic run survives a platform instance killed mid-run: its state is in PostgreSQL and its
// steps are durable tasks that any instance runs. Instances: the test stack's own and one of
// this test's, killed with SIGKILL between two steps' triggers; nothing is dispatched twice.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServerHandle } from '../../stack/app-server.ts';
import { findFreePort } from '../../stack/ports.ts';
import { addBlock, addTicket, epicHarness, jobsPerTicket, readyFor, runIn, runJob, runOf, steer, type EpicHarness } from '../../test/support/epics.ts';
import { testAppEnv, testStack } from '../../test/support/stack-env.ts';
import { mutators } from '../../zero/mutators.ts';
import { advanceEpicRun } from './advance.ts';

let h: EpicHarness;
let instance: AppServerHandle | null = null;

beforeAll(async () => {
  const env = testAppEnv();
  const name = 'epic-instance';
  [h, instance] = await Promise.all([
    epicHarness('Epic Survivor', 'EPS'),
    startAppServer({
      port: await findFreePort(4300),
      dataDir: path.join(testStack().dataDir ?? '.test-data', name),
      env: { ...env, ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-${name}` } : {}) },
      timeoutMs: 150_000,
    }),
  ]);
}, 180_000);

afterAll(async () => {
  await instance?.stop();
  await h?.close();
});

describe('an epic run across platform instances', () => {
  it('goes on after an instance is killed mid-run, and many steps at once dispatch each ticket once', async () => {
    const epic = await addTicket(h, 'Survive', 'epic', null);
    const first = await Promise.all(Array.from({ length: 4 }, (_, i) => addTicket(h, `First ${i}`, 'task', epic)));
    const second = await Promise.all(Array.from({ length: 4 }, (_, i) => addTicket(h, `Second ${i}`, 'task', epic)));
    for (const [i, id] of second.entries()) await addBlock(h, first[i]!, id);
    const last = await addTicket(h, 'Last', 'task', epic);
    for (const id of second) await addBlock(h, id, last);

    expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: h.teamId }))).toBeNull();
    const run = (await runOf(epic))!;
    const [reset] = await readyFor(epic, [null]);
    await runJob(h, reset.id, 'completed');
    let ready = await readyFor(epic, first);

    // Steps racing the instances' own: the row lock orders them, each ticket goes once.
    await Promise.all(Array.from({ length: 12 }, () => advanceEpicRun(h.db, run.id)));
    // The first wave ends all at once; one instance dies while their steps run.
    await Promise.all(ready.map((job) => runJob(h, job.id, 'completed')));
    process.kill(-instance!.pid, 'SIGKILL');
    await instance!.exited;
    instance = null;

    // A step the dead instance held stays locked; the survivor's steps (or its sweep, every 15 s) go on.
    ready = await readyFor(epic, second, 40_000);
    await Promise.all(ready.map((job) => runJob(h, job.id, 'completed')));
    const [lastJob] = await readyFor(epic, [last]);
    await runJob(h, lastJob.id, 'completed');
    const [closing] = await readyFor(epic, [epic]);
    await runJob(h, closing.id, 'completed', { result: { pullRequests: [] } });
    await runIn(epic, 'completed');
    expect(Object.values(await jobsPerTicket([...first, ...second, last]))).toEqual(Array(9).fill(1));
  }, 120_000);
});
