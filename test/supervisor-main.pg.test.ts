// The real supervisor code, in-process, against the platform: registration, secrets,
// offers and claims, numbered events through a dropped socket, control, and outcomes.
// The job itself is a small fake runJob (the real one drives Docker and Claude Code).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nanoid } from 'nanoid';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as query } from 'drizzle-orm';
import { sendJobControl } from '../lib/jobs/control.ts';
import { createJob } from '../lib/jobs/create.ts';
import type { DbOrTx } from '../lib/jobs/db.ts';
import { issueRunnerToken, revokeRunnerToken } from '../lib/runners/tokens.ts';
import { getKeyring, runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { storeVaultEntry } from '../lib/secrets/entries.ts';
import { handedBackNotice, handedBackReason } from '@spedy/protocol/hand-back';
import { sql } from './support/db.ts';
import { newRunnerOrg, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { loadSupervisorConfig } from '../supervisor/config.ts';
import { plannedJobs, type Plan } from './support/supervisor/planned-jobs.ts';
import { startSupervisor, supervisorVersion, type Supervisor } from '../supervisor/main.ts';
import type { JobContext } from '../supervisor/runner/job-context.ts';
import { poll } from './support/poll.ts';

const platformKey = 'sk-ant-api03-platform-key-0123456789abcdef';
const localKey = 'sk-ant-api03-local-override-0123456789abcdef';
const npmToken = 'npm-token-from-the-vault-0123456789';

/** What the fake runner does for a job, chosen by the job's title. */
const { plans, runJob: fakeRunJob } = plannedJobs();

let org: RunnerOrg;
let supervisor: Supervisor;
let jobsDir: string;
const db = () => testStack().databaseUrl;

function configEnv(name: string, labels = 'backend,typescript'): Record<string, string> {
  return {
    SPEDY_API_URL: `${testStack().appUrl}/api/v1`,
    SPEDY_RUNNER_TOKEN: org.token,
    SPEDY_RUNNER_NAME: name,
    SPEDY_POOL_SIZE: '2',
    SPEDY_RUNNER_LABELS: labels,
    SPEDY_JOBS_DIR: jobsDir,
    ANTHROPIC_API_KEY: localKey,
  };
}
const configFor = (name: string, labels?: string) => loadSupervisorConfig(configEnv(name, labels));

const start = (name: string, labels?: string) =>
  startSupervisor(configFor(name, labels), {
    runJob: fakeRunJob,
    log: pino({ level: 'silent' }),
    streamer: { batchWindowMs: 20, batchSize: 10 },
    heartbeatIntervalMs: 500,
  });

const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000) => poll(what, probe, timeoutMs, 100);

const jobRow = async (id: string) => (await sql(db(), 'SELECT status, status_reason, runner_id, last_event_seq FROM job WHERE id = $1', [id]))[0];
const waitForStatus = (id: string, status: string) => until(`job ${id} to be ${status}`, async () => ((await jobRow(id)).status === status ? jobRow(id) : null));

/** A Ready job whose run follows `plan`; `before` runs in the creating transaction (the offer goes out on commit). */
async function jobWithPlan(plan: Plan, before?: (tx: DbOrTx, jobId: string) => Promise<void>, requiredLabels = ['backend']): Promise<string> {
  const title = `job ${nanoid(6)}`;
  plans.set(title, plan);
  return org.db.transaction(async (tx) => {
    const job = await createJob(tx, { organizationId: org.account.orgID, type: 'batch', title, snapshot: sampleSnapshot(), requiredLabels });
    await before?.(tx, job.id);
    return job.id;
  });
}

beforeAll(async () => {
  org = await newRunnerOrg('Supervisor Owner');
  jobsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spedy-jobs-'));
  const keyring = getKeyring();
  await storeVaultEntry(org.db, keyring, { orgId: org.account.orgID, userId: org.account.userID, secret: { preset: 'anthropic', value: platformKey } });
  await storeVaultEntry(org.db, keyring, { orgId: org.account.orgID, userId: org.account.userID, secret: { preset: 'custom', name: 'NPM_TOKEN', value: npmToken } });
  supervisor = await start('supervisor-under-test');
});

afterAll(async () => {
  await supervisor?.stop('test done');
  await org?.closeDb();
  if (jobsDir) await fs.rm(jobsDir, { recursive: true, force: true });
});

describe('supervisor', () => {
  it('registers with its name, version, capabilities, labels and pool size, and stays Online', async () => {
    const [runner] = await sql(db(), 'SELECT id, name, version, capabilities, labels, pool_size, status, last_heartbeat_at FROM runner WHERE id = $1', [
      supervisor.runnerId,
    ]);
    expect(runner).toMatchObject({
      name: 'supervisor-under-test',
      version: supervisorVersion(),
      capabilities: ['claude_code'],
      labels: ['backend', 'typescript'],
      pool_size: 2,
      status: 'online',
    });
    const before = runner.last_heartbeat_at as number;
    await until('a heartbeat', async () => (await sql(db(), 'SELECT last_heartbeat_at FROM runner WHERE id = $1', [supervisor.runnerId]))[0].last_heartbeat_at > before);
  });

  it('holds the vault entries from the bootstrap bundle, with the local value overriding the platform one', async () => {
    const { env } = supervisor.secrets.current();
    expect(env.NPM_TOKEN).toBe(npmToken);
    expect(env.ANTHROPIC_API_KEY).toBe(localKey);
    // Rotated on the platform: the next fetch has it, no restart needed.
    await storeVaultEntry(org.db, getKeyring(), { orgId: org.account.orgID, userId: org.account.userID, secret: { preset: 'custom', name: 'NPM_TOKEN', value: `${npmToken}-rotated` } });
    await supervisor.secrets.refresh();
    expect(supervisor.secrets.current().env.NPM_TOKEN).toBe(`${npmToken}-rotated`);
    // Nothing of it on disk.
    const written = await fs.readdir(jobsDir, { recursive: true });
    for (const file of written) {
      const full = path.join(jobsDir, file);
      if ((await fs.stat(full)).isFile()) expect(await fs.readFile(full, 'utf8')).not.toContain(npmToken);
    }
  });

  it('claims an offered job, streams its events numbered 1..N through a dropped socket, none lost or doubled, and completes', async () => {
    const total = 120;
    let ctxSeen: JobContext | undefined;
    const jobId = await jobWithPlan(async (ctx) => {
      ctxSeen = ctx;
      for (const status of ['preparing', 'executing', 'running'] as const) await ctx.reportStatus(status);
      for (let i = 1; i <= total; i++) {
        ctx.emit({ type: 'text', payload: { text: `event ${i}`, ...(i === 7 ? { leaked: `token ${ctx.secrets.NPM_TOKEN} and ${localKey}` } : {}) } });
        if (i === total / 2) supervisor.socket.drop();
        if (i % 10 === 0) await sleep(30);
      }
      await ctx.reportStatus('completed', { result: { summary: 'done' } });
    });

    const done = await waitForStatus(jobId, 'completed');
    expect(done.runner_id).toBe(supervisor.runnerId);
    expect(done.last_event_seq).toBe(total);
    const events = await sql(db(), 'SELECT seq, type, payload FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(events.map((e) => e.payload.text)).toEqual(Array.from({ length: total }, (_, i) => `event ${i + 1}`));
    expect(events[6].payload.leaked).toBe('token •••• and ••••');
    expect(ctxSeen?.jobDir).toBe(path.join(jobsDir, jobId));
    expect(ctxSeen?.secrets.NPM_TOKEN).toMatch(new RegExp(`^${npmToken}`));
    expect(supervisor.pool.activeJobIds()).not.toContain(jobId);
    await until('the socket to reconnect', async () => supervisor.socket.isOpen());
  });

  it('continues numbering after the events the job already has (a job picked up again after a restart)', async () => {
    const jobId = await jobWithPlan(
      async (ctx) => {
        expect(ctx.job.lastEventSeq).toBe(3);
        await ctx.reportStatus('preparing');
        for (let i = 1; i <= 5; i++) ctx.emit({ type: 'text', payload: { text: `after restart ${i}` } });
        await ctx.reportStatus('failed', { reason: 'validation failed' });
      },
      async (tx, id) => {
        await tx.execute(query`INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at)
          SELECT ${id}, s, ${org.account.orgID}, 'text', jsonb_build_object('text', 'earlier ' || s), 0 FROM generate_series(1, 3) s`);
        await tx.execute(query`UPDATE job SET last_event_seq = 3 WHERE id = ${id}`);
      },
    );
    const done = await waitForStatus(jobId, 'failed');
    const events = await sql(db(), 'SELECT seq, payload FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.map((e) => e.payload.text)).toEqual(['earlier 1', 'earlier 2', 'earlier 3', ...[1, 2, 3, 4, 5].map((i) => `after restart ${i}`)]);
    expect(done.last_event_seq).toBe(8);
  });

  it('routes Stop to the job (its signal aborts) and keeps it Stopped', async () => {
    const jobId = await jobWithPlan(async (ctx) => {
      await ctx.reportStatus('preparing');
      await ctx.reportStatus('executing');
      await ctx.reportStatus('running');
      const control = await ctx.nextControl();
      expect(control).toEqual({ action: 'stop' });
      expect(ctx.signal.aborted).toBe(true);
      ctx.emit({ type: 'stopped', payload: { by: 'user' } });
      await ctx.reportStatus('stopped', { reason: 'Stopped by the user' });
    });
    await waitForStatus(jobId, 'running');
    await org.db.transaction((tx) => sendJobControl(tx, { organizationId: org.account.orgID, jobId, action: 'stop' }));
    const stopped = await waitForStatus(jobId, 'stopped');
    expect(stopped.status_reason).toBe('Stopped by the user');
    await until('the run to end', async () => !supervisor.pool.activeJobIds().includes(jobId));
    expect((await jobRow(jobId)).status).toBe('stopped');
  });

  it('reports Error, after the events, for a run that throws', async () => {
    const jobId = await jobWithPlan(async (ctx) => {
      await ctx.reportStatus('preparing');
      ctx.emit({ type: 'text', payload: { text: 'cloning' } });
      throw new Error(`clone failed for ${ctx.secrets.NPM_TOKEN}`);
    });
    const failed = await waitForStatus(jobId, 'error');
    expect(failed.status_reason).toBe('The runner failed: clone failed for ••••');
    expect((await sql(db(), 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [jobId]))[0].n).toBe(1);
  });

  it('takes waiting work when a slot frees, never more jobs than its pool size', async () => {
    let running = 0;
    let most = 0;
    // The first jobs hold their slots until the pool is full, so a pool that ran fewer at once would never finish.
    let poolFull!: () => void;
    const full = new Promise<void>((resolve) => {
      poolFull = resolve;
    });
    const plan: Plan = async (ctx) => {
      running++;
      most = Math.max(most, running);
      if (running === 2) poolFull();
      await ctx.reportStatus('preparing');
      await full;
      running--;
      await ctx.reportStatus('failed', { reason: 'done' });
    };
    const ids = [await jobWithPlan(plan), await jobWithPlan(plan), await jobWithPlan(plan), await jobWithPlan(plan)];
    for (const id of ids) await waitForStatus(id, 'failed');
    expect(most).toBeLessThanOrEqual(2);
  });

  it('aborts a job the platform failed meanwhile (heartbeat answer) and leaves its outcome alone', async () => {
    let reason: unknown;
    const jobId = await jobWithPlan(async (ctx) => {
      await ctx.reportStatus('preparing');
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      reason = ctx.signal.reason;
    });
    await waitForStatus(jobId, 'preparing');
    // As the heartbeat monitor does when a runner's heartbeats stopped.
    await sql(db(), "UPDATE job SET status = 'failed', status_reason = 'The runner went offline.' WHERE id = $1", [jobId]);
    await until('the run to end', async () => !supervisor.pool.activeJobIds().includes(jobId));
    expect(reason).toBe('lost_on_platform');
    expect(await jobRow(jobId)).toMatchObject({ status: 'failed', status_reason: 'The runner went offline.' });
  });

  it('stops when its token is revoked (the platform closes the socket) instead of reconnecting with it', async () => {
    const issued = await issueRunnerToken(org.db, runnerTokenHashKey(), { orgId: org.account.orgID, name: 'soon revoked', createdBy: org.account.userID });
    const doomed = await startSupervisor(loadSupervisorConfig({ ...configEnv('supervisor-revoked'), SPEDY_RUNNER_TOKEN: issued.token }), {
      runJob: fakeRunJob,
      log: pino({ level: 'silent' }),
    });
    await until('the socket to open', async () => doomed.socket.isOpen());
    await revokeRunnerToken(org.db, { orgId: org.account.orgID, tokenId: issued.id });
    const { reason } = await doomed.stopped;
    expect(reason).toMatch(/^token refused/);
  });

  it('on shutdown drains: hands running jobs back after their events, keeps a waiting job, and takes them up when it is back', async () => {
    // Only this runner has the label, so the handed-back job waits for it (and it takes no other test's work).
    const name = 'supervisor-draining';
    const labels = 'drain-test';
    let draining = await start(name, labels);
    let runs = 0;
    const working = await jobWithPlan(
      async (ctx) => {
        runs++;
        await ctx.reportStatus('preparing');
        await ctx.reportStatus('executing');
        if (runs > 1) {
          ctx.emit({ type: 'text', payload: { text: 'taken up again' } });
          await ctx.reportStatus('running');
          await ctx.reportStatus('completed', { result: {} });
          return;
        }
        ctx.emit({ type: 'text', payload: { text: 'working' } });
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        ctx.emit({ type: 'text', payload: { text: `aborted: ${String(ctx.signal.reason)}` } });
      },
      undefined,
      ['drain-test'],
    );
    const waiting = await jobWithPlan(
      async (ctx) => {
        await ctx.reportStatus('preparing');
        await ctx.reportStatus('executing');
        await ctx.reportStatus('waiting_for_input');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      },
      undefined,
      ['drain-test'],
    );
    await waitForStatus(working, 'executing');
    await waitForStatus(waiting, 'waiting_for_input');

    await draining.stop('SIGTERM');
    const handedBack = await jobRow(working);
    expect(handedBack).toMatchObject({ status: 'ready', status_reason: handedBackReason(name), runner_id: null });
    const events = await sql(db(), 'SELECT payload FROM job_event WHERE job_id = $1 ORDER BY seq', [working]);
    expect(events.map((r) => r.payload.text ?? r.payload.message)).toEqual(['working', 'aborted: supervisor_shutdown', handedBackNotice]);
    expect(await jobRow(waiting)).toMatchObject({ status: 'waiting_for_input', runner_id: draining.runnerId });
    const [runner] = await sql(db(), 'SELECT draining_since FROM runner WHERE id = $1', [draining.runnerId]);
    expect(runner.draining_since).not.toBeNull();

    // Back (an upgrade's new supervisor): the mark goes, the handed-back job is claimed again and completes.
    draining = await start(name, labels);
    const [back] = await sql(db(), 'SELECT draining_since FROM runner WHERE id = $1', [draining.runnerId]);
    expect(back.draining_since).toBeNull();
    await waitForStatus(working, 'completed');
    expect(runs).toBe(2);
    const texts = (await sql(db(), 'SELECT seq, payload FROM job_event WHERE job_id = $1 ORDER BY seq', [working])).map((r) => [r.seq, r.payload.text ?? r.payload.message]);
    expect(texts).toEqual([
      [1, 'working'],
      [2, 'aborted: supervisor_shutdown'],
      [3, handedBackNotice],
      [4, 'taken up again'],
    ]);
    expect(await jobRow(waiting)).toMatchObject({ status: 'waiting_for_input', runner_id: draining.runnerId });
    await draining.stop();
  });
});
