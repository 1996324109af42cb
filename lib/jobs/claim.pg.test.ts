import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, runnerApi, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { schema as zeroSchema } from '../../zero/schema.gen.ts';
import { sweepLostRunners } from '../runners/heartbeat-monitor.ts';
import { resumeJob } from './resume.ts';
import { claimJob } from './claim.ts';

let org: RunnerOrg;
const orgs: RunnerOrg[] = [];

beforeAll(async () => {
  org = await freshOrg('Claim Owner');
});

afterAll(async () => {
  await Promise.all(orgs.map((o) => o.closeDb()));
});

const db = () => testStack().databaseUrl;

/** Each test works on its own jobs: the oldest matching Ready job of the organization would otherwise be another test's. */
async function freshOrg(name: string) {
  const fresh = await newRunnerOrg(name);
  orgs.push(fresh);
  return fresh;
}

describe('claim matching', () => {
  it('gives a job only to runners whose capabilities and labels cover it', async () => {
    const o = await freshOrg('Matching Owner');
    const frontend = await registerRunner(o.api, { labels: ['frontend'] });
    const noClaude = await registerRunner(o.api, { capabilities: [], labels: ['backend'] });
    const backend = await registerRunner(o.api, { labels: ['backend', 'python'] });
    const [jobId] = await createReadyJobs(o.db, o.account.orgID, 1, { requiredCapabilities: ['claude_code'], requiredLabels: ['backend'] });

    expect((await o.api.post('jobs/claim', { runnerId: frontend })).body).toEqual({ job: null });
    expect((await o.api.post('jobs/claim', { runnerId: noClaude })).body).toEqual({ job: null });
    const named = await o.api.post('jobs/claim', { runnerId: frontend, jobId });
    expect(named.status).toBe(409);
    expect(named.body.error).toMatch(/lacks label backend/);

    const claimed = await o.api.post('jobs/claim', { runnerId: backend });
    expect(claimed.status).toBe(200);
    expect(claimed.body.job).toMatchObject({ id: jobId, status: 'claimed', organizationId: o.account.orgID, lastEventSeq: 0 });
    expect(claimed.body.job.snapshot.pipeline.steps[0].stages[0].model).toBe('claude-sonnet-4-6');
    const [row] = await sql(db(), 'SELECT status, runner_id, claimed_at FROM job WHERE id = $1', [jobId]);
    expect(row).toMatchObject({ status: 'claimed', runner_id: backend });
  });

  it('respects the pool size: a full runner claims nothing until a job finishes', async () => {
    const o = await freshOrg('Capacity Owner');
    const runnerId = await registerRunner(o.api, { poolSize: 1 });
    const [first, second] = await createReadyJobs(o.db, o.account.orgID, 2);
    expect((await o.api.post('jobs/claim', { runnerId })).body.job.id).toBe(first);
    expect((await o.api.post('jobs/claim', { runnerId })).body).toEqual({ job: null });
    const full = await o.api.post('jobs/claim', { runnerId, jobId: second });
    expect(full.status).toBe(409);
    expect(full.body.error).toMatch(/at capacity \(1 of 1/);

    for (const status of ['preparing', 'executing', 'running', 'completed']) {
      expect((await o.api.post(`jobs/${first}/status`, { runnerId, status })).status).toBe(200);
    }
    expect((await o.api.post('jobs/claim', { runnerId })).body.job.id).toBe(second);
  });

  it('never lets one runner exceed its pool size, even with many claims of its own at once', async () => {
    const o = await freshOrg('Concurrent Capacity Owner');
    const runnerId = await registerRunner(o.api, { poolSize: 3 });
    await createReadyJobs(o.db, o.account.orgID, 12);
    const answers = await Promise.all(Array.from({ length: 12 }, () => runnerApi(testStack().appUrl, o.token).post('jobs/claim', { runnerId })));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.filter((a) => a.body.job).length).toBe(3);
    const [{ n }] = await sql(db(), "SELECT count(*)::int AS n FROM job WHERE runner_id = $1 AND status = 'claimed'", [runnerId]);
    expect(n).toBe(3);
  });

  it('refuses claims from an Offline runner until it sends a heartbeat', async () => {
    const o = await freshOrg('Offline Claim Owner');
    const runnerId = await registerRunner(o.api);
    await createReadyJobs(o.db, o.account.orgID);
    await sql(db(), "UPDATE runner SET status = 'offline' WHERE id = $1", [runnerId]);
    const refused = await o.api.post('jobs/claim', { runnerId });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/Offline.*heartbeat/);
    await o.api.post('heartbeat', { runnerId, activeJobIds: [] });
    expect((await o.api.post('jobs/claim', { runnerId })).body.job).not.toBeNull();
  });

  it('hands each of 200 jobs to exactly one of 50 racing claimers, losing none', async () => {
    const o = await freshOrg('Race Owner');
    const runnerIds = await Promise.all(Array.from({ length: 50 }, (_, i) => registerRunner(o.api, { name: `racer-${i}`, poolSize: 64 })));
    const jobIds = await createReadyJobs(o.db, o.account.orgID, 200);

    const claims = await Promise.all(
      runnerIds.map(async (runnerId) => {
        const api = runnerApi(testStack().appUrl, o.token);
        const mine: string[] = [];
        for (;;) {
          const res = await api.post('jobs/claim', { runnerId });
          if (res.status !== 200) throw new Error(`claim failed: ${res.status} ${JSON.stringify(res.body)}`);
          if (!res.body.job) return { runnerId, mine };
          mine.push(res.body.job.id);
        }
      }),
    );
    const all = claims.flatMap((c) => c.mine);
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    expect(new Set(all)).toEqual(new Set(jobIds));
    const rows = await sql<{ id: string; runner_id: string; status: string }>(db(), 'SELECT id, runner_id, status FROM job WHERE organization_id = $1', [o.account.orgID]);
    const holder = new Map(claims.flatMap((c) => c.mine.map((id) => [id, c.runnerId] as const)));
    for (const row of rows) expect(row).toMatchObject({ status: 'claimed', runner_id: holder.get(row.id) });
  }, 90_000);
});

describe('batched claims', () => {
  it('decides claims that arrive together in one batch: each runner gets its pool size, no job twice, an unknown runner alone refused', async () => {
    const o = await freshOrg('Batch Owner');
    const runnerIds = await Promise.all(Array.from({ length: 10 }, (_, i) => registerRunner(o.api, { name: `batch-${i}`, poolSize: 2 })));
    const jobIds = await createReadyJobs(o.db, o.account.orgID, 25);
    // Its refusal is caught at once: it settles while the other claims still run.
    const unknown = claimJob(o.db, 'no-such-runner').then(
      () => 'claimed',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const results = await Promise.all(runnerIds.flatMap((runnerId) => Array.from({ length: 4 }, async () => ({ runnerId, job: await claimJob(o.db, runnerId) }))));
    expect(await unknown).toMatch(/No such runner/);

    const claimed = results.filter((r) => r.job !== null);
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed.map((r) => r.job?.id)).size).toBe(20);
    for (const runnerId of runnerIds) expect(claimed.filter((r) => r.runnerId === runnerId)).toHaveLength(2);
    for (const r of claimed) expect(jobIds).toContain(r.job?.id);
    const rows = await sql<{ runner_id: string; n: number }>(
      db(),
      "SELECT runner_id, count(*)::int AS n FROM job WHERE organization_id = $1 AND status = 'claimed' GROUP BY runner_id",
      [o.account.orgID],
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.n).toBe(2);
  });
});

describe('job status', () => {
  it('moves a job through the status machine and refuses illegal transitions with its message', async () => {
    const runnerId = await registerRunner(org.api);
    const [jobId] = await createReadyJobs(org.db, org.account.orgID);
    await org.api.post('jobs/claim', { runnerId, jobId });
    const skip = await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'syncing' });
    expect(skip.status).toBe(409);
    expect(skip.body.error).toBe('A job that is Claimed cannot become Syncing.');

    for (const status of ['preparing', 'executing', 'running', 'waiting_for_input', 'running', 'syncing']) {
      const res = await org.api.post(`jobs/${jobId}/status`, { runnerId, status });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status });
    }
    const done = await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'completed', result: { pullRequestUrl: 'https://example.test/pr/1' } });
    expect(done.status).toBe(200);
    // A resent report (its answer was lost) is accepted and changes nothing.
    expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'completed' })).status).toBe(200);
    const back = await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'running' });
    expect(back.status).toBe(409);
    expect(back.body.error).toBe('A job that is Completed cannot become Running.');
    const [row] = await sql(db(), 'SELECT status, result, finished_at FROM job WHERE id = $1', [jobId]);
    expect(row.status).toBe('completed');
    expect(row.result).toEqual({ pullRequestUrl: 'https://example.test/pr/1' });
    expect(row.finished_at).toBeGreaterThan(0);
  });

  it('lets only the runner that holds a job report on it', async () => {
    const holder = await registerRunner(org.api);
    const other = await registerRunner(org.api);
    const [jobId] = await createReadyJobs(org.db, org.account.orgID);
    await org.api.post('jobs/claim', { runnerId: holder, jobId });
    const res = await org.api.post(`jobs/${jobId}/status`, { runnerId: other, status: 'preparing' });
    expect(res.status).toBe(403);
    const events = await org.api.post(`jobs/${jobId}/events`, { runnerId: other, events: [{ seq: 1, type: 'log', payload: {}, at: 1 }] });
    expect(events.status).toBe(403);
    const [row] = await sql(db(), 'SELECT status, last_event_seq FROM job WHERE id = $1', [jobId]);
    expect(row).toEqual({ status: 'claimed', last_event_seq: 0 });
  });

  it('puts a job its runner hands back up for claiming again', async () => {
    const first = await registerRunner(org.api);
    const second = await registerRunner(org.api);
    const [jobId] = await createReadyJobs(org.db, org.account.orgID);
    await org.api.post('jobs/claim', { runnerId: first, jobId });
    expect((await org.api.post(`jobs/${jobId}/status`, { runnerId: first, status: 'ready', reason: 'Docker is restarting' })).status).toBe(200);
    const [row] = await sql(db(), 'SELECT status, runner_id, claimed_at FROM job WHERE id = $1', [jobId]);
    expect(row).toEqual({ status: 'ready', runner_id: null, claimed_at: null });
    expect((await org.api.post('jobs/claim', { runnerId: second, jobId })).body.job.id).toBe(jobId);
  });
});

describe('job snapshot', () => {
  it('lives in its own table outside Zero, and the claim still hands it to the runner', async () => {
    const o = await freshOrg('Snapshot Owner');
    const runnerId = await registerRunner(o.api);
    const [jobId] = await createReadyJobs(o.db, o.account.orgID);
    const [stored] = await sql(db(), 'SELECT snapshot FROM secure.job_snapshot WHERE job_id = $1', [jobId]);
    expect(stored.snapshot.pipeline.steps[0].stages[0].model).toBe('claude-sonnet-4-6');

    const claimed = await o.api.post('jobs/claim', { runnerId, jobId });
    expect(claimed.body.job.snapshot).toEqual(stored.snapshot);
    // Neither the job row nor Zero's schema carries it, and its table is not published to zero-cache.
    expect(await sql(db(), "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'job' AND column_name = 'snapshot'")).toEqual([]);
    expect(Object.keys(zeroSchema.tables.job.columns)).not.toContain('snapshot');
    expect(Object.keys(zeroSchema.tables.job.columns)).toContain('status');
    expect(JSON.stringify(zeroSchema)).not.toMatch(/job_snapshot|jobSnapshot/);
    const published = await sql<{ tablename: string }>(db(), "SELECT DISTINCT tablename FROM pg_publication_tables WHERE tablename IN ('job', 'job_snapshot')");
    expect(published.map((t) => t.tablename)).toEqual(['job']);
  });
});

describe('pool slots', () => {
  const report = async (o: RunnerOrg, runnerId: string, jobId: string, ...statuses: string[]) => {
    for (const status of statuses) expect((await o.api.post(`jobs/${jobId}/status`, { runnerId, status })).status).toBe(200);
  };
  const row = async (jobId: string) => (await sql(db(), 'SELECT status, runner_id FROM job WHERE id = $1', [jobId]))[0];

  it('lets Stopped and Waiting for Input jobs free their slot, and gives a continued or answered job only to its runner, ahead of new work', async () => {
    const o = await freshOrg('Pool Slot Owner');
    const holder = await registerRunner(o.api, { name: 'holder', poolSize: 1, labels: ['slots'] });
    const other = await registerRunner(o.api, { name: 'other', poolSize: 3, labels: ['slots'] });
    const [waiting, stopped, third] = await createReadyJobs(o.db, o.account.orgID, 3, { requiredLabels: ['slots'] });

    // One slot, three jobs: each parks (Waiting for Input, Stopped) and the slot takes the next.
    expect((await o.api.post('jobs/claim', { runnerId: holder, jobId: waiting })).body.job.id).toBe(waiting);
    await report(o, holder, waiting, 'preparing', 'executing', 'waiting_for_input');
    expect((await o.api.post('jobs/claim', { runnerId: holder, jobId: stopped })).body.job.id).toBe(stopped);
    await report(o, holder, stopped, 'preparing', 'executing', 'stopped');
    expect((await o.api.post('jobs/claim', { runnerId: holder, jobId: third })).body.job.id).toBe(third);
    expect((await o.api.post('jobs/claim', { runnerId: holder })).body).toEqual({ job: null });

    // A person answers one and continues the other: Ready again, still naming their runner, with the action queued for it.
    await o.db.transaction((tx) => resumeJob(tx, { organizationId: o.account.orgID, jobId: waiting, action: 'input', text: 'Use port 8080' }));
    await o.db.transaction((tx) => resumeJob(tx, { organizationId: o.account.orgID, jobId: stopped, action: 'continue' }));
    expect(await row(waiting)).toEqual({ status: 'ready', runner_id: holder });
    expect(await row(stopped)).toEqual({ status: 'ready', runner_id: holder });
    const controls = await sql(db(), 'SELECT job_id, action, text FROM secure.job_control WHERE runner_id = $1 ORDER BY seq', [holder]);
    expect(controls).toEqual([
      { job_id: waiting, action: 'input', text: 'Use port 8080' },
      { job_id: stopped, action: 'continue', text: null },
    ]);

    // Another runner with free slots gets neither; named, it is told who holds it.
    expect((await o.api.post('jobs/claim', { runnerId: other })).body).toEqual({ job: null });
    const refused = await o.api.post('jobs/claim', { runnerId: other, jobId: waiting });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/waits for runner holder/);

    // New work older than both, which the holder fits too: the held jobs still come first there.
    const [older] = await createReadyJobs(o.db, o.account.orgID, 1, { requiredLabels: ['slots', 'holder-only'] });
    await sql(db(), 'UPDATE job SET created_at = 1 WHERE id = $1', [older]);
    await sql(db(), 'UPDATE runner SET labels = $2::jsonb WHERE id = $1', [holder, JSON.stringify(['slots', 'holder-only'])]);
    await report(o, holder, third, 'preparing', 'executing', 'running', 'completed');
    expect((await o.api.post('jobs/claim', { runnerId: holder })).body.job.id).toBe(waiting);
    // Claimed again, it resumes where it was.
    await report(o, holder, waiting, 'executing', 'running', 'completed');
    expect((await o.api.post('jobs/claim', { runnerId: holder })).body.job.id).toBe(stopped);
    await report(o, holder, stopped, 'executing', 'running', 'completed');
    expect((await o.api.post('jobs/claim', { runnerId: holder })).body.job.id).toBe(older);
  });

  it('keeps a job that waits for its lost runner instead of failing it', async () => {
    const o = await freshOrg('Waiting Runner Owner');
    const runnerId = await registerRunner(o.api, { name: 'lost-holder', poolSize: 2, labels: ['lost'] });
    const [parked, busy] = await createReadyJobs(o.db, o.account.orgID, 2, { requiredLabels: ['lost'] });
    await o.api.post('jobs/claim', { runnerId, jobId: parked });
    await report(o, runnerId, parked, 'preparing', 'executing', 'stopped');
    await o.db.transaction((tx) => resumeJob(tx, { organizationId: o.account.orgID, jobId: parked, action: 'continue' }));
    await o.api.post('jobs/claim', { runnerId, jobId: busy });
    await report(o, runnerId, busy, 'preparing');

    await sql(db(), 'UPDATE runner SET last_heartbeat_at = 0 WHERE id = $1', [runnerId]);
    const lost = await sweepLostRunners(o.db);
    expect(lost.find((r) => r.id === runnerId)?.failedJobIds).toEqual([busy]);
    expect(await row(parked)).toEqual({ status: 'ready', runner_id: runnerId });
    expect(await row(busy)).toMatchObject({ status: 'failed' });
  });
});
