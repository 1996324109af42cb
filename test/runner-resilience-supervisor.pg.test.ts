// The real supervisor code (in-process, a small fake job) cut off from the platform by a
// proxy while the user answers its question: once the connection is back, the job gets
// the answer exactly once, however often the platform sends it, and the supervisor
// acknowledges it.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJobControl } from '../lib/jobs/control.ts';
import { resumeJob } from '../lib/jobs/resume.ts';
import { createJob } from '../lib/jobs/create.ts';
import { startSupervisor, type Supervisor } from '../supervisor/main.ts';
import { loadSupervisorConfig } from '../supervisor/config.ts';
import type { ControlMessage } from '../supervisor/runner/job-context.ts';
import { sql } from './support/db.ts';
import { newRunnerOrg, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { poll } from './support/poll.ts';

/** A TCP proxy to the app that can cut every connection and refuse new ones until restored. */
async function startCuttableProxy(target: URL) {
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(Number(target.port), '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      open.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let org: RunnerOrg;
let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
let supervisor: Supervisor;
let jobsDir: string;
const received: ControlMessage[] = [];

const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) => poll(what, probe, timeoutMs, 100);

const jobStatus = async (id: string) => (await sql(testStack().databaseUrl, 'SELECT status FROM job WHERE id = $1', [id]))[0].status as string;
const controlsOf = (jobId: string) =>
  sql<{ action: string; acked: boolean }>(testStack().databaseUrl, 'SELECT action, acked_at IS NOT NULL AS acked FROM secure.job_control WHERE job_id = $1 ORDER BY seq', [jobId]);

beforeAll(async () => {
  org = await newRunnerOrg('Cut-off Supervisor Owner');
  proxy = await startCuttableProxy(new URL(testStack().appUrl));
  jobsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-jobs-'));
  const config = loadSupervisorConfig({
    SPEDY_API_URL: `${proxy.url}/api/v1`,
    SPEDY_RUNNER_TOKEN: org.token,
    SPEDY_RUNNER_NAME: 'cut-off-runner',
    SPEDY_POOL_SIZE: '1',
    SPEDY_RUNNER_LABELS: 'cut-off',
    SPEDY_JOBS_DIR: jobsDir,
  });
  supervisor = await startSupervisor(config, {
    // Asks, then takes controls until a Stop: what it received is the test's answer.
    runJob: async (ctx) => {
      for (const status of ['preparing', 'executing', 'running', 'waiting_for_input'] as const) await ctx.reportStatus(status);
      for (;;) {
        const control = await ctx.nextControl();
        received.push(control);
        if (control.action === 'stop') break;
      }
      await ctx.reportStatus('stopped', { reason: 'Stopped by the user' });
    },
    log: pino({ level: 'silent' }),
    // Frequent heartbeats: their answers carry the answer too until it is acknowledged.
    heartbeatIntervalMs: 200,
  });
}, 60_000);

afterAll(async () => {
  proxy?.restore();
  await supervisor?.stop('test done');
  await proxy?.close();
  await org?.closeDb();
  if (jobsDir) await fs.rm(jobsDir, { recursive: true, force: true });
});

describe('a supervisor cut off from the platform', () => {
  it('gets the answer sent meanwhile once the connection is back, exactly once, and acknowledges it', async () => {
    const job = await org.db.transaction((tx) =>
      createJob(tx, { organizationId: org.account.orgID, type: 'batch', title: 'Ask while away', snapshot: sampleSnapshot(), requiredLabels: ['cut-off'] }),
    );
    await until('the job to wait for input', async () => (await jobStatus(job.id)) === 'waiting_for_input');

    proxy.cut();
    await until('the supervisor to notice', async () => !supervisor.socket.isOpen());
    // The person's answer: the job becomes Ready for this runner and the answer waits for it.
    await org.db.transaction((tx) => resumeJob(tx, { organizationId: org.account.orgID, jobId: job.id, action: 'input', text: 'Use PostgreSQL 16.' }));
    // Cut off, nothing reaches the job: the answer waits, unacknowledged.
    await until('the answer to be stored for the runner', async () => (await controlsOf(job.id)).length === 1);
    expect(received).toEqual([]);

    proxy.restore();
    await until('the answer to reach the job', async () => received.length > 0);
    await until('the answer to be acknowledged', async () => (await controlsOf(job.id))[0]?.acked);
    // The acknowledgement lost (as if the platform died before storing it): the answer is sent again, and acknowledged again.
    await sql(testStack().databaseUrl, 'UPDATE secure.job_control SET acked_at = NULL WHERE job_id = $1', [job.id]);
    await until('the answer to be acknowledged again', async () => (await controlsOf(job.id))[0]?.acked);

    // The next control the job gets is the Stop: the answer came once however often it was sent.
    await org.db.transaction((tx) => sendJobControl(tx, { organizationId: org.account.orgID, jobId: job.id, action: 'stop' }));
    await until('the job to stop', async () => (await jobStatus(job.id)) === 'stopped');
    expect(received).toEqual([{ action: 'input', text: 'Use PostgreSQL 16.' }, { action: 'stop' }]);
    await until('the Stop to be acknowledged', async () => (await controlsOf(job.id)).every((c) => c.acked));
    expect(await controlsOf(job.id)).toEqual([
      { action: 'input', acked: true },
      { action: 'stop', acked: true },
    ]);
  }, 90_000);
});
