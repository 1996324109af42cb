import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from '../../test/support/runners.ts';
import { createJob } from '../jobs/create.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { runnerOfflineReason, sweepLostRunners } from './heartbeat-monitor.ts';
import { poll } from '../../test/support/poll.ts';
import { drainedRunnerReason } from '@spedy/protocol/hand-back';

let org: RunnerOrg;

beforeAll(async () => {
  org = await newRunnerOrg('Heartbeat Owner');
  // The organization's setting (the default is 90 s). Runners are made "lost" by backdating their
  // last heartbeat, so a healthy runner's heartbeat delayed by a busy machine never counts as lost.
  await sql(testStack().databaseUrl, 'INSERT INTO runner_settings (organization_id, offline_timeout_seconds, auto_create_jobs, retrigger_on_review) VALUES ($1, 30, false, false)', [
    org.account.orgID,
  ]);
});

afterAll(async () => {
  await org?.closeDb();
});

// Up to a timeout and a half: an app instance that started less than a timeout ago counts heartbeats from its start.
const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 50_000) => poll(what, probe, timeoutMs, 200);

describe('heartbeat monitor', () => {
  it("turns a runner without heartbeats Offline, fails its active jobs with the reason, and its next heartbeat brings it back", async () => {
    const lost = await registerRunner(org.api, { name: 'lost-runner', poolSize: 4 });
    const healthy = await registerRunner(org.api, { name: 'healthy-runner', poolSize: 4 });
    const [running, claimed, finished, healthyJob] = await createReadyJobs(org.db, org.account.orgID, 4);
    for (const jobId of [running, claimed, finished]) expect((await org.api.post('jobs/claim', { runnerId: lost, jobId })).status).toBe(200);
    expect((await org.api.post('jobs/claim', { runnerId: healthy, jobId: healthyJob })).status).toBe(200);
    for (const status of ['preparing', 'executing', 'running']) await org.api.post(`jobs/${running}/status`, { runnerId: lost, status });
    for (const status of ['preparing', 'executing', 'running', 'completed']) await org.api.post(`jobs/${finished}/status`, { runnerId: lost, status });

    await sql(testStack().databaseUrl, 'UPDATE runner SET last_heartbeat_at = $2 WHERE id = $1', [lost, Date.now() - 60_000]);
    const beat = setInterval(() => void org.api.post('heartbeat', { runnerId: healthy, activeJobIds: [healthyJob] }), 500);
    try {
      await until('the lost runner to turn Offline', async () => {
        const [row] = await sql(testStack().databaseUrl, 'SELECT status FROM runner WHERE id = $1', [lost]);
        return row.status === 'offline' ? true : undefined;
      });
    } finally {
      clearInterval(beat);
    }
    const jobs = await sql(testStack().databaseUrl, 'SELECT id, status, status_reason, finished_at FROM job WHERE organization_id = $1', [org.account.orgID]);
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const reason = runnerOfflineReason('lost-runner', 30);
    expect(reason).toBe('Runner lost-runner went offline (no heartbeat for 30 s)');
    for (const jobId of [running, claimed]) expect(byId.get(jobId)).toMatchObject({ status: 'failed', status_reason: reason });
    expect(byId.get(finished)).toMatchObject({ status: 'completed', status_reason: null });
    expect(byId.get(healthyJob)).toMatchObject({ status: 'claimed' });
    const [healthyRow] = await sql(testStack().databaseUrl, 'SELECT status FROM runner WHERE id = $1', [healthy]);
    expect(healthyRow.status).toBe('online');

    // The runner learns on its next heartbeat what happened to its jobs, and is Online again.
    const back = await org.api.post('heartbeat', { runnerId: lost, activeJobIds: [running, claimed] });
    expect(back.body.jobs).toEqual(expect.arrayContaining([{ id: running, status: 'failed' }, { id: claimed, status: 'failed' }]));
    const [row] = await sql(testStack().databaseUrl, 'SELECT status FROM runner WHERE id = $1', [lost]);
    expect(row.status).toBe('online');
    const reported = await org.api.post(`jobs/${running}/status`, { runnerId: lost, status: 'completed' });
    expect(reported.status).toBe(409);
    expect(reported.body.error).toBe('A job that is Failed cannot become Completed.');
  }, 90_000);

  it("moves a lost runner's ticket to its team's failure status with the AI Failed badge", async () => {
    const db = testStack().databaseUrl;
    const orgId = org.account.orgID;
    const [projectId, todo, working, failedColumn, ticketId] = ['hb-project', 'hb-todo', 'hb-working', 'hb-failed', 'hb-ticket'].map((p) => `${p}-${orgId}`);
    await sql(db, "INSERT INTO project (id, organization_id, key, name, last_ticket_number, created_at) VALUES ($1, $2, 'HBT', 'Heartbeat', 1, 0)", [projectId, orgId]);
    for (const [id, name, position] of [[todo, 'To Do', 'a0'], [working, 'AI Processing', 'a1'], [failedColumn, 'Needs Attention', 'a2']]) {
      await sql(db, 'INSERT INTO project_status (id, organization_id, project_id, name, position) VALUES ($1, $2, $3, $4, $5)', [id, orgId, projectId, name, position]);
    }
    await sql(
      db,
      `INSERT INTO ticket (id, organization_id, project_id, number, title, type, status_id, rank, creator_id, ai_failed, created_at, updated_at)
       VALUES ($1, $2, $3, 1, 'Fix the login flow', 'task', $4, 'a0', $5, false, 0, 0)`,
      [ticketId, orgId, projectId, working, org.account.userID],
    );
    const team = { id: 'team-1', name: 'Coders', workingStatus: 'AI Processing', completionStatus: 'To Do', failureStatus: 'Needs Attention' };
    const job = await org.db.transaction((tx) =>
      createJob(tx, { organizationId: orgId, type: 'streaming', title: 'Fix the login flow', snapshot: { ...sampleSnapshot(), team }, ticketId, projectId, requiredLabels: ['hb-ticket'] }),
    );
    const runnerId = await registerRunner(org.api, { name: 'ticket-runner', labels: ['hb-ticket'] });
    expect((await org.api.post('jobs/claim', { runnerId, jobId: job.id })).status).toBe(200);
    await sql(db, 'UPDATE runner SET last_heartbeat_at = $2 WHERE id = $1', [runnerId, Date.now() - 60_000]);
    await until('the ticket to show the failure', async () => {
      const [row] = await sql(db, 'SELECT status_id, ai_failed FROM ticket WHERE id = $1', [ticketId]);
      return row.ai_failed ? row : undefined;
    });
    const [row] = await sql(db, 'SELECT status_id, ai_failed FROM ticket WHERE id = $1', [ticketId]);
    expect(row).toEqual({ status_id: failedColumn, ai_failed: true });
  }, 90_000);

  it("hands a draining runner's working jobs back when its heartbeats stop, and keeps its Stopped and Waiting jobs its own", async () => {
    const db = testStack().databaseUrl;
    const runnerId = await registerRunner(org.api, { name: 'draining-runner', poolSize: 4 });
    const [running, claimed, stopped, waiting] = await createReadyJobs(org.db, org.account.orgID, 4);
    for (const jobId of [running, claimed, stopped, waiting]) expect((await org.api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
    for (const status of ['preparing', 'executing', 'running']) await org.api.post(`jobs/${running}/status`, { runnerId, status });
    for (const status of ['preparing', 'executing', 'running', 'stopped']) await org.api.post(`jobs/${stopped}/status`, { runnerId, status });
    for (const status of ['preparing', 'executing', 'running', 'waiting_for_input']) await org.api.post(`jobs/${waiting}/status`, { runnerId, status });
    // SIGTERM: the supervisor says it drains, then exits before it handed back two of its jobs.
    expect((await org.api.post('heartbeat', { runnerId, activeJobIds: [running, claimed], draining: true })).status).toBe(200);

    await sql(db, 'UPDATE runner SET last_heartbeat_at = $2 WHERE id = $1', [runnerId, Date.now() - 60_000]);
    await until('the draining runner to turn Offline', async () => {
      const [row] = await sql(db, 'SELECT status FROM runner WHERE id = $1', [runnerId]);
      return row.status === 'offline' ? true : undefined;
    });
    const jobs = new Map((await sql(db, 'SELECT id, status, status_reason, runner_id FROM job WHERE id = ANY($1)', [[running, claimed, stopped, waiting]])).map((j) => [j.id, j]));
    for (const jobId of [running, claimed]) {
      expect(jobs.get(jobId)).toMatchObject({ status: 'ready', status_reason: drainedRunnerReason('draining-runner'), runner_id: null });
    }
    expect(jobs.get(stopped)).toMatchObject({ status: 'stopped', runner_id: runnerId });
    expect(jobs.get(waiting)).toMatchObject({ status: 'waiting_for_input', runner_id: runnerId });

    // Handed back means anyone with matching labels may take it.
    const other = await registerRunner(org.api, { name: 'taking-over-runner' });
    const claim = await org.api.post('jobs/claim', { runnerId: other, jobId: running });
    expect(claim.body.job).toMatchObject({ id: running, status: 'claimed' });
  }, 90_000);

  it('hands back what a draining runner still held when it registers again, and clears the mark', async () => {
    const db = testStack().databaseUrl;
    const runnerId = await registerRunner(org.api, { name: 'restarted-runner' });
    const [running, waiting] = await createReadyJobs(org.db, org.account.orgID, 2);
    for (const jobId of [running, waiting]) await org.api.post('jobs/claim', { runnerId, jobId });
    for (const status of ['preparing', 'executing', 'running']) await org.api.post(`jobs/${running}/status`, { runnerId, status });
    for (const status of ['preparing', 'executing', 'waiting_for_input']) await org.api.post(`jobs/${waiting}/status`, { runnerId, status });
    await org.api.post('heartbeat', { runnerId, activeJobIds: [running], draining: true });
    const [marked] = await sql(db, 'SELECT draining_since FROM runner WHERE id = $1', [runnerId]);
    expect(marked.draining_since).not.toBeNull();
    // A heartbeat without the flag (the platform's view of a supervisor that still drains) keeps it.
    await org.api.post('heartbeat', { runnerId, activeJobIds: [running] });

    expect(await registerRunner(org.api, { name: 'restarted-runner' })).toBe(runnerId);
    const [cleared] = await sql(db, 'SELECT draining_since FROM runner WHERE id = $1', [runnerId]);
    expect(cleared.draining_since).toBeNull();
    const rows = new Map((await sql(db, 'SELECT id, status, status_reason, runner_id FROM job WHERE id = ANY($1)', [[running, waiting]])).map((j) => [j.id, j]));
    expect(rows.get(running)).toMatchObject({ status: 'ready', status_reason: drainedRunnerReason('restarted-runner'), runner_id: null });
    expect(rows.get(waiting)).toMatchObject({ status: 'waiting_for_input', runner_id: runnerId });

    // Registered again without having drained: nothing is handed back.
    await org.api.post('jobs/claim', { runnerId, jobId: running });
    expect(await registerRunner(org.api, { name: 'restarted-runner' })).toBe(runnerId);
    const [still] = await sql(db, 'SELECT status, runner_id FROM job WHERE id = $1', [running]);
    expect(still).toMatchObject({ status: 'claimed', runner_id: runnerId });
  });

  it('does not count the time the sweeping instance was down against a runner', async () => {
    const runnerId = await registerRunner(org.api, { name: 'outlived-runner' });
    const [heartbeat] = await sql(testStack().databaseUrl, 'SELECT last_heartbeat_at FROM runner WHERE id = $1', [runnerId]);
    // A minute on (the timeout is 30 s): an instance that started 1 s before finds the runner not yet lost…
    const later = heartbeat.last_heartbeat_at + 60_000;
    expect((await sweepLostRunners(org.db, later, later - 1000)).filter((r) => r.id === runnerId)).toEqual([]);
    // …one that ran all along does.
    expect((await sweepLostRunners(org.db, later, 0)).filter((r) => r.id === runnerId)).toHaveLength(1);
  });

  it('fails a lost runner once however many sweeps race', async () => {
    const runnerId = await registerRunner(org.api, { name: 'raced-runner' });
    const [jobId] = await createReadyJobs(org.db, org.account.orgID);
    await org.api.post('jobs/claim', { runnerId, jobId });
    await sql(testStack().databaseUrl, 'UPDATE runner SET last_heartbeat_at = $2 WHERE id = $1', [runnerId, Date.now() - 60_000]);
    const sweeps = await Promise.all(Array.from({ length: 4 }, () => sweepLostRunners(org.db)));
    const ours = sweeps.flat().filter((r) => r.id === runnerId);
    // The app's own monitor may win the race; then none of these sweeps finds the runner.
    expect(ours.length).toBeLessThanOrEqual(1);
    if (ours.length === 1) expect(ours[0].failedJobIds).toEqual([jobId]);
    const [job] = await until('the job to fail', async () => {
      const rows = await sql(testStack().databaseUrl, "SELECT status, status_reason FROM job WHERE id = $1 AND status = 'failed'", [jobId]);
      return rows.length ? rows : undefined;
    });
    expect(job.status_reason).toBe(runnerOfflineReason('raced-runner', 30));
  }, 90_000);
});
