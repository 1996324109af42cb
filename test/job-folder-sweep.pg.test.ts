// What a restarted supervisor does with the job folders it finds: the work of jobs that
// became final, were cancelled or went to another runner while it was down is removed
// (their masked event log stays); jobs it still holds, Stopped or Waiting for Input, keep
// everything Continue needs. The real supervisor in-process against the platform; the
// job runner is never called (no job here is Ready).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql as query } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '@spedy/protocol/job-status';
import { createJob } from '../lib/jobs/create.ts';
import { loadSupervisorConfig } from '../supervisor/config.ts';
import { startSupervisor, type Supervisor } from '../supervisor/main.ts';
import { eventLogName } from '../supervisor/runner/job-folder.ts';
import { newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { poll } from './support/poll.ts';

let org: RunnerOrg;
let jobsDir: string;
let supervisor: Supervisor | undefined;

const start = () =>
  startSupervisor(
    loadSupervisorConfig({
      SPEDY_API_URL: `${testStack().appUrl}/api/v1`,
      SPEDY_RUNNER_TOKEN: org.token,
      SPEDY_RUNNER_NAME: 'sweeper',
      SPEDY_POOL_SIZE: '1',
      SPEDY_JOBS_DIR: jobsDir,
    }),
    {
      runJob: async (ctx) => {
        throw new Error(`no job should run here, got ${ctx.job.id}`);
      },
      log: pino({ level: 'silent' }),
      heartbeatIntervalMs: 500,
    },
  );

/** A job in `status` held by `runnerId` (null: none), as the platform left it while the supervisor was down. */
async function jobIn(status: JobStatus, runnerId: string | null): Promise<string> {
  return org.db.transaction(async (tx) => {
    const job = await createJob(tx, { organizationId: org.account.orgID, type: 'batch', title: `${status} job`, snapshot: sampleSnapshot() });
    await tx.execute(query`UPDATE job SET status = ${status}, runner_id = ${runnerId}, claimed_at = ${runnerId ? Date.now() : null} WHERE id = ${job.id}`);
    return job.id;
  });
}

/** What a job's run leaves: clones, the agent's HOME with a CLI transcript, and the masked event log. */
async function leaveFolder(jobId: string): Promise<void> {
  const dir = path.join(jobsDir, jobId);
  await fs.mkdir(path.join(dir, 'workspace', 'app'), { recursive: true });
  await fs.writeFile(path.join(dir, 'workspace', 'app', 'leaked.txt'), 'SERVICE_TOKEN=value');
  await fs.mkdir(path.join(dir, 'home', '.claude', 'projects', 'app'), { recursive: true });
  await fs.writeFile(path.join(dir, 'home', '.claude', 'projects', 'app', 'session.jsonl'), '{"transcript":true}\n');
  await fs.writeFile(path.join(dir, eventLogName), '{"seq":1}\n');
}

const folder = async (jobId: string) => (await fs.readdir(path.join(jobsDir, jobId))).sort();

beforeAll(async () => {
  org = await newRunnerOrg('Sweep Owner');
  jobsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-sweep-'));
});

afterAll(async () => {
  await supervisor?.stop('test done');
  await org?.closeDb();
  if (jobsDir) await fs.rm(jobsDir, { recursive: true, force: true });
});

describe('a supervisor starting again', () => {
  it('removes the work of jobs that ended or left it while it was down and keeps its Stopped and Waiting jobs’ folders', async () => {
    const first = await start();
    const runnerId = first.runnerId;
    await first.stop('restart');

    const other = await registerRunner(org.api, { name: 'another-runner' });
    const completed = await jobIn('completed', runnerId);
    const cancelled = await jobIn('failed', runnerId);
    const reassigned = await jobIn('running', other);
    const stopped = await jobIn('stopped', runnerId);
    const waiting = await jobIn('waiting_for_input', runnerId);
    for (const id of [completed, cancelled, reassigned, stopped, waiting]) await leaveFolder(id);

    supervisor = await start();
    expect(supervisor.runnerId).toBe(runnerId);
    for (const id of [completed, cancelled, reassigned]) {
      await poll(`the work of job ${id} to be removed`, async () => (await folder(id)).join() === eventLogName, 15_000, 100);
    }
    expect(await fs.readFile(path.join(jobsDir, completed, eventLogName), 'utf8')).toBe('{"seq":1}\n');
    // Stopping waits for every sweep (at start and after the socket's welcome) to end.
    await supervisor.stop('test done');
    for (const id of [stopped, waiting]) {
      expect(await folder(id)).toEqual([eventLogName, 'home', 'workspace']);
      expect(await fs.readFile(path.join(jobsDir, id, 'home', '.claude', 'projects', 'app', 'session.jsonl'), 'utf8')).toBe('{"transcript":true}\n');
    }
  });
});
