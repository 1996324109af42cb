// The runner image is prepared when the supervisor starts, not on the first job: the runner
// registers and reports "preparing" (Settings → Runners reads it live), a job that arrives
// meanwhile says in its feed that it waits for the image, and runs once the image is ready.
// The build is real (the runner Dockerfile on the shared engine); to make one without a
// three-minute debootstrap, the supervisor builds a test variant on top of the cached layers,
// whose last step waits until this test's loopback URL answers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { endedJobStatuses, eventsOf, jobIn, latestJob, poll, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

/** Answers 503 until released, then 200: the held build's last step waits for the 200. */
function startHold() {
  let released = false;
  let asked = 0;
  const server = http.createServer((_req, res) => {
    asked++;
    res.writeHead(released ? 200 : 503).end();
  });
  return new Promise<{ url: string; asked: () => number; release(): void; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        asked: () => asked,
        release() {
          released = true;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let hold: Awaited<ReturnType<typeof startHold>>;
let runner: TestRunner | null = null;

const runnerImageStatus = async (orgId: string) =>
  (await sql<{ image_status: RunnerImageStatus | null }>(testStack().databaseUrl, 'SELECT image_status FROM runner WHERE organization_id = $1', [orgId]))[0]?.image_status ?? null;

beforeAll(async () => {
  owner = await newMember('Image Owner');
  project = await createProject(owner, 'IMG');
  hold = await startHold();
  runner = await startTestRunner(owner, 'IMG', { localEnv: { SPEDY_RUNNER_IMAGE_HOLD_URL: hold.url } });
}, 240_000);

afterAll(async () => {
  hold?.release();
  // The held variant is this test's alone (the real runner image stays for every other test);
  // removed while the runner's engine still runs (stop() may stop it).
  if (runner) {
    const docker = new Docker({ socketPath: runner.dockerSocket });
    const variants = await docker.listImages({ filters: { label: ['spedy.image.variant=test-hold'] } });
    for (const image of variants) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }
  await runner?.stop();
  await hold?.close();
  await owner?.zero.close();
});

describe('the runner image', () => {
  it('is prepared at start; a job that arrives meanwhile shows it waits, then runs to completion', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();

    // Before any job: the runner is Online and says it prepares its image, live in Settings → Runners.
    const runners = owner.zero.materialize(queries.runners.list({ orgID: owner.orgID }));
    try {
      const [row] = await waitForData(runners, (rows) => rows[0]?.status === 'online' && rows[0]?.imageStatus?.state === 'preparing', 120_000);
      expect(row!.imageStatus).toMatchObject({ state: 'preparing', startedAt: expect.any(Number) });
    } finally {
      runners.destroy();
    }
    // The build itself waits at its last step.
    await poll('the held build to ask to go on', async () => hold.asked() > 0, 240_000);

    const ticketId = await startTicket(owner, project, 'Add a greeting script');
    const job = await poll(
      'the job to show it waits for the runner image',
      async () => {
        const latest = await latestJob(ticketId);
        return latest && (await eventsOf(latest.id, 'runner_image')).length > 0 ? latest : undefined;
      },
      60_000,
    );
    expect(job.status).toBe('claimed');
    expect(await eventsOf(job.id, 'runner_image')).toEqual([{ state: 'preparing', startedAt: expect.any(Number) }]);
    expect((await runnerImageStatus(owner.orgID))?.state).toBe('preparing');

    hold.release();
    const done = await jobIn(ticketId, endedJobStatuses);
    expect(done.status_reason).toBeNull();
    expect(done.status).toBe('completed');
    const waits = await eventsOf(job.id, 'runner_image');
    expect(waits.map((e) => e.state)).toEqual(['preparing', 'ready']);
    // The wait came before the work: the first event is the wait, the agent's come after it.
    const [first] = await sql<{ type: string }>(testStack().databaseUrl, 'SELECT type FROM job_event WHERE job_id = $1 ORDER BY seq LIMIT 1', [job.id]);
    expect(first!.type).toBe('runner_image');
    expect(await eventsOf(job.id, 'tool_call')).not.toEqual([]);
    expect(await runnerImageStatus(owner.orgID)).toMatchObject({ state: 'ready', endedAt: expect.any(Number) });
  }, 600_000);
});
