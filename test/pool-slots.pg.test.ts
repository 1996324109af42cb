// Pool slots, with the real supervisor code in-process against the platform (issue 13): jobs
// Waiting for Input hold no slot, so a pool of three keeps taking new work while three jobs
// wait for answers; an answered job goes back only to the runner that holds its folder, and
// resumes there once a slot is free. The jobs themselves are small fake runJobs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nanoid } from 'nanoid';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../lib/jobs/create.ts';
import { resumeJob } from '../lib/jobs/resume.ts';
import { sql } from './support/db.ts';
import { newRunnerOrg, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { poll } from './support/poll.ts';
import { loadSupervisorConfig } from '../supervisor/config.ts';
import { plannedJobs, type Plan } from './support/supervisor/planned-jobs.ts';
import { startSupervisor, type Supervisor } from '../supervisor/main.ts';

/** What the fake runner does for a job, chosen by the job's title. */
const { plans, runJob: fakeRunJob } = plannedJobs();

let org: RunnerOrg;
let jobsDir: string;
const supervisors: Supervisor[] = [];
const db = () => testStack().databaseUrl;

const start = (name: string) =>
  startSupervisor(
    loadSupervisorConfig({
      SPEDY_API_URL: `${testStack().appUrl}/api/v1`,
      SPEDY_RUNNER_TOKEN: org.token,
      SPEDY_RUNNER_NAME: name,
      SPEDY_POOL_SIZE: '3',
      SPEDY_RUNNER_LABELS: 'slots',
      SPEDY_JOBS_DIR: path.join(jobsDir, name),
      ANTHROPIC_API_KEY: 'sk-ant-api03-pool-slots-0123456789abcdef',
    }),
    { runJob: fakeRunJob, log: pino({ level: 'silent' }), heartbeatIntervalMs: 500 },
  ).then((s) => {
    supervisors.push(s);
    return s;
  });

const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>) => poll(what, probe, 20_000, 100);
const jobRow = async (id: string) => (await sql(db(), 'SELECT status, runner_id FROM job WHERE id = $1', [id]))[0];
const inStatus = (ids: string[], status: string) =>
  until(`${ids.length} jobs ${status}`, async () => (await Promise.all(ids.map(jobRow))).every((r) => r.status === status));

async function jobWithPlan(plan: Plan): Promise<string> {
  const title = `job ${nanoid(6)}`;
  plans.set(title, plan);
  return (await createJob(org.db, { organizationId: org.account.orgID, type: 'batch', title, snapshot: sampleSnapshot(), requiredLabels: ['slots'] })).id;
}

/** Asks a question and waits for the answer, then finishes; `answers` gets what the person wrote. */
const askingPlan = (answers: Map<string, string>): Plan => async (ctx) => {
  for (const status of ['preparing', 'executing', 'waiting_for_input'] as const) await ctx.reportStatus(status);
  const answer = await ctx.nextControl();
  answers.set(ctx.job.id, answer.action === 'input' ? answer.text : answer.action);
  for (const status of ['executing', 'running', 'completed'] as const) await ctx.reportStatus(status);
};

/** Runs until `gate` settles. */
const busyPlan = (gate: Promise<void>): Plan => async (ctx) => {
  for (const status of ['preparing', 'executing', 'running'] as const) await ctx.reportStatus(status);
  await gate;
  await ctx.reportStatus('completed');
};

beforeAll(async () => {
  org = await newRunnerOrg('Pool Slots Owner');
  jobsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-slots-'));
});

afterAll(async () => {
  for (const s of supervisors) await s.stop('test done');
  await org?.closeDb();
  if (jobsDir) await fs.rm(jobsDir, { recursive: true, force: true });
});

describe('pool slots', () => {
  it('three jobs waiting for answers do not stop a pool of three from taking new work; an answered job goes only to its runner', async () => {
    const holder = await start('slots-holder');
    const answers = new Map<string, string>();
    const waiting = [await jobWithPlan(askingPlan(answers)), await jobWithPlan(askingPlan(answers)), await jobWithPlan(askingPlan(answers))];
    await inStatus(waiting, 'waiting_for_input');

    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const busy = [await jobWithPlan(busyPlan(gate)), await jobWithPlan(busyPlan(gate)), await jobWithPlan(busyPlan(gate))];
    await inStatus(busy, 'running');
    for (const id of [...waiting, ...busy]) expect((await jobRow(id)).runner_id).toBe(holder.runnerId);

    // A second runner with three free slots; the holder is full. The person answers the first question.
    const other = await start('slots-other');
    await org.db.transaction((tx) => resumeJob(tx, { organizationId: org.account.orgID, jobId: waiting[0], action: 'input', text: 'Use port 8080' }));
    // New work still flows to the free runner, but the answered job is not its to take.
    const fresh = await jobWithPlan(async (ctx) => {
      for (const status of ['preparing', 'executing', 'running', 'completed'] as const) await ctx.reportStatus(status);
    });
    await inStatus([fresh], 'completed');
    expect((await jobRow(fresh)).runner_id).toBe(other.runnerId);
    expect(await jobRow(waiting[0])).toEqual({ status: 'ready', runner_id: holder.runnerId });
    const refused = await org.api.post('jobs/claim', { runnerId: other.runnerId, jobId: waiting[0] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/waits for runner slots-holder/);

    // A slot frees on the holder: it takes the answered job back and the run goes on with the answer.
    release();
    await inStatus([waiting[0]], 'completed');
    expect((await jobRow(waiting[0])).runner_id).toBe(holder.runnerId);
    expect(answers.get(waiting[0])).toBe('Use port 8080');
    for (const id of waiting.slice(1)) expect(await jobRow(id)).toEqual({ status: 'waiting_for_input', runner_id: holder.runnerId });
  }, 90_000);
});
