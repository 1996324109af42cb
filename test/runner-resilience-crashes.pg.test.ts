// Crashes under a running job, with the real supervisor (Docker, Claude Code CLI, scripted
// model) and a platform instance of this test's own:
//   • the supervisor is killed: after the organization's offline timeout the job is Failed
//     with a reason naming the runner, its ticket shows the failure; the orphaned container
//     keeps running until the supervisor starts again and removes it;
//   • the platform instance is killed and started again on the same port: the supervisor
//     resends what was not acknowledged and the job completes with every event stored once.
// The instance is `next start` on the production build under `npm test` and a dev server
// with an output folder of its own (kept for the restart) in a dev stack.
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerOfflineReason } from '../lib/runners/heartbeat-monitor.ts';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';
import { isScriptedError, type Scenario } from '../test-kit/model-server/scenario.ts';
import { builtInScenarios } from '../test-kit/model-server/scenarios.ts';
import { mutators } from '../zero/mutators.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { agentSleeping, containersOf as containersOfJob, latestJob, poll, startTestRunner, startTicket, ticketState, type TestRunner } from './support/jobs.ts';
import { testAppEnv, testStack } from './support/stack-env.ts';

/** The default scenario (write hello.js, run it, summarise), each answer 2.5 s late: a job that runs for a while. */
const steady: Scenario = {
  description: 'edit-and-test, each answer 2.5 s late',
  turns: builtInScenarios['edit-and-test'].turns.map((turn) => (request) => {
    const result = typeof turn === 'function' ? turn(request) : turn;
    return isScriptedError(result) ? result : { ...result, delayMs: 2500 };
  }),
};

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let instance: AppServerHandle | undefined;
let startInstance: () => Promise<AppServerHandle>;
let runner: TestRunner | null = null;
let docker: Docker;

const db = () => testStack().databaseUrl;

const containersOf = (jobId: string) => containersOfJob(docker, jobId);

/** A running container of the job whose agent runs the slow scenario's `sleep 600`. */
const sleeping = (jobId: string) => agentSleeping(docker, jobId);

async function setOfflineTimeout(seconds: number): Promise<void> {
  expect(await serverVerdict(owner.zero.mutate(mutators.runnerSettings.update({ orgID: owner.orgID, offlineTimeoutSeconds: seconds })))).toBeNull();
}

beforeAll(async () => {
  owner = await newMember('Resilience Owner');
  project = await createProject(owner, 'RES');
  // The supervisor takes its heartbeat interval from this at registration (a third of it).
  await setOfflineTimeout(10);

  const env = testAppEnv();
  const stack = testStack();
  const port = await findFreePort(3950);
  const dataDir = path.join(stack.dataDir ?? '.test-data', 'restarted-instance');
  startInstance = () =>
    startAppServer({
      port,
      dataDir,
      env: {
        ...env,
        SPEDY_HEARTBEAT_SWEEP_MS: '500',
        // A dev server needs an output folder of its own; the restart reuses it (Next's lock dies with the process).
        ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `.next-${path.basename(stack.dataDir ?? 'test')}-restarted` } : {}),
      },
      timeoutMs: 240_000,
    });
  instance = await startInstance();

  runner = await startTestRunner(owner, 'RES', { appUrl: instance.url, scenarios: { steady } });
  if (runner) docker = new Docker({ socketPath: runner.dockerSocket });
}, 300_000);

afterAll(async () => {
  await runner?.stop();
  await instance?.stop();
  await owner?.zero.close();
});

describe('a crash under a running job', () => {
  it('fails the job of a killed supervisor after the offline timeout, and the restarted supervisor removes its container', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, 'Wait for a long time [scenario:slow]');
    // Mid-run: the agent's `sleep 600` runs in a stage container (the first job also waits for the image build).
    const job = await poll(
      'the agent to sleep in its container',
      async () => {
        const row = await latestJob(ticketId);
        return row?.status === 'running' && (await sleeping(row.id)) && row;
      },
      300_000,
    );

    await runner!.killSupervisor();
    const failed = await poll('the job to end', async () => {
      const row = await latestJob(ticketId);
      return row && ['completed', 'failed', 'error'].includes(row.status) && row;
    }, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.status_reason).toBe(runnerOfflineReason('demo-runner', 10));
    expect(await ticketState(ticketId)).toEqual({ status: 'Todo', ai_failed: true });
    // Nothing stops the orphaned container: its agent sleeps on…
    expect(await sleeping(job.id)).toBe(true);

    // …or until the supervisor starts again (Online again, and heartbeats slow enough for the next test's restart).
    await setOfflineTimeout(300);
    runner!.restartSupervisor();
    await poll('the leftover container to be removed', async () => (await containersOf(job.id)).length === 0, 120_000);
    expect((await latestJob(ticketId))?.status).toBe('failed');
  }, 600_000);

  it('completes a job across a killed and restarted platform instance, storing every event once', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, 'Add a greeting script [scenario:steady]');
    const steadyRequests = () => runner!.model.requests().filter((r) => r.scenario === 'steady').length;
    const job = await poll(
      'the job to run and stream events',
      async () => {
        const row = await latestJob(ticketId);
        return row?.status === 'running' && row.last_event_seq > 0 && steadyRequests() > 0 && row;
      },
      300_000,
    );

    process.kill(-instance!.pid, 'SIGKILL');
    await instance!.exited;
    const killedAt = Date.now();
    const storedAtKill = (await latestJob(ticketId))!.last_event_seq;
    // The agent goes on without the platform: two more answers from the model while it is down.
    const before = steadyRequests();
    await poll('the agent to go on while the platform is down', async () => steadyRequests() >= before + 2, 120_000);
    instance = await startInstance();
    const restartedAt = Date.now();

    const done = await poll('the job to end', async () => {
      const row = await latestJob(ticketId);
      return row && ['completed', 'failed', 'error'].includes(row.status) && row;
    }, 400_000);
    expect(done.status_reason).toBeNull();
    expect(done.status).toBe('completed');

    const events = await sql<{ seq: number; type: string; created_at: number }>(db(), 'SELECT seq, type, created_at FROM job_event WHERE job_id = $1 ORDER BY seq', [job.id]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: done.last_event_seq }, (_, i) => i + 1));
    expect(events.map((e) => e.type)).not.toContain('events_dropped');
    expect(events.map((e) => e.type)).toContain('pull_request');
    // Some were written while the platform was down and stored by the restarted instance.
    expect(events.filter((e) => e.seq > storedAtKill && e.created_at > killedAt && e.created_at < restartedAt).length).toBeGreaterThan(0);
    expect(await ticketState(ticketId)).toEqual({ status: 'In Review', ai_failed: false });
  }, 900_000);
});
