// /api/ready and /metrics: on the suite's stack (a localhost URL, so /metrics is open to
// loopback), and on a second app instance of our own whose PostgreSQL connection runs
// through a relay the test cuts, with a public URL and a metrics token.
import path from 'node:path';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';
import { poll } from './support/poll.ts';
import { createReadyJobs, newRunnerOrg, openRunnerSocket, registerRunner, type RunnerOrg, type RunnerSocket } from './support/runners.ts';
import { metricValue } from './support/prometheus-text.ts';
import { testAppEnv, testStack } from './support/stack-env.ts';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.ts';

async function scrape(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('on the suite’s stack (localhost URL)', () => {
  let org: RunnerOrg;
  let socket: RunnerSocket | undefined;

  beforeAll(async () => {
    org = await newRunnerOrg('Operations Owner');
  });

  afterAll(async () => {
    await socket?.close();
    await org?.closeDb();
  });

  it('is ready while PostgreSQL and zero-cache answer', async () => {
    const response = await fetch(`${testStack().appUrl}/api/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('counts a job through its statuses, its events, claim, offer and HTTP requests', async () => {
    const { appUrl } = testStack();
    const label = `ops-${nanoid(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    const runnerId = await registerRunner(org.api, { labels: [label] });
    socket = await openRunnerSocket(appUrl, runnerId, org.token);
    await socket.next('welcome');

    const before = await scrape(appUrl);
    const statusRoute = { method: 'POST', route: '/api/v1/runners/jobs/:id/status', status: '200' };
    const [jobId] = await createReadyJobs(org.db, org.account.orgID, 1, { requiredLabels: [label] });
    await socket.next('offer', (m) => m.jobId === jobId);

    const ready = await scrape(appUrl);
    expect(metricValue(ready, 'spedy_jobs', { status: 'ready' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(ready, 'spedy_dispatch_latency_seconds_count')).toBeGreaterThan(metricValue(before, 'spedy_dispatch_latency_seconds_count'));

    const claimed = await org.api.post('jobs/claim', { runnerId, jobId });
    expect(claimed.status).toBe(200);
    expect(claimed.body.job?.id).toBe(jobId);
    const afterClaim = await scrape(appUrl);
    expect(metricValue(afterClaim, 'spedy_jobs', { status: 'claimed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(afterClaim, 'spedy_job_claims_total')).toBeGreaterThan(metricValue(before, 'spedy_job_claims_total'));

    for (const status of ['preparing', 'executing', 'running']) {
      expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status })).status).toBe(200);
    }
    const events = [1, 2, 3].map((seq) => ({ seq, type: 'log', payload: { line: `step ${seq}` }, at: Date.now() }));
    expect((await org.api.post(`jobs/${jobId}/events`, { runnerId, events })).status).toBe(200);
    // A resent batch is stored once, and counted once.
    expect((await org.api.post(`jobs/${jobId}/events`, { runnerId, events })).status).toBe(200);
    const running = await scrape(appUrl);
    expect(metricValue(running, 'spedy_jobs', { status: 'running' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(running, 'spedy_job_events_stored_total') - metricValue(before, 'spedy_job_events_stored_total')).toBeGreaterThanOrEqual(3);

    expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'completed' })).status).toBe(200);
    const done = await scrape(appUrl);
    // Completed is final, so the count only grows (other suites' jobs may add to it meanwhile).
    expect(metricValue(done, 'spedy_jobs', { status: 'completed' })).toBeGreaterThan(metricValue(before, 'spedy_jobs', { status: 'completed' }));
    expect(metricValue(done, 'spedy_runners_online')).toBeGreaterThanOrEqual(1);
    expect(metricValue(done, 'spedy_http_requests_total', statusRoute) - metricValue(before, 'spedy_http_requests_total', statusRoute)).toBeGreaterThanOrEqual(4);
    expect(metricValue(done, 'spedy_http_requests_total', { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(4);
  });
});

describe('on an instance with a public URL whose PostgreSQL connection the test cuts', () => {
  const metricsToken = `metrics-${nanoid(24)}`;
  let relay: TcpRelay;
  let instance: AppServerHandle | undefined;

  beforeAll(async () => {
    const stack = testStack();
    const env = testAppEnv();
    const database = new URL(stack.databaseUrl);
    relay = await startTcpRelay({ host: database.hostname, port: Number(database.port || 5432) });
    const relayed = new URL(stack.databaseUrl);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(relay.port);
    const port = await findFreePort(3970);
    const dataDir = path.join(stack.dataDir ?? '.test-data', 'operations-instance');
    instance = await startAppServer({
      port,
      dataDir,
      env: {
        ...env,
        DATABASE_URL: relayed.toString(),
        SPEDY_PUBLIC_URL: 'https://spedy.test',
        SPEDY_METRICS_TOKEN: metricsToken,
        SPEDY_ZERO_INTERNAL_URL: process.env.SPEDY_ZERO_INTERNAL_URL ?? stack.zeroUrl,
        ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `.next-${path.basename(stack.dataDir ?? 'test')}-operations` } : {}),
      },
      timeoutMs: 240_000,
    });
  }, 300_000);

  afterAll(async () => {
    await instance?.stop();
    await relay?.close();
  });

  const ready = async () => {
    const response = await fetch(`${instance!.url}/api/ready`);
    return { status: response.status, body: (await response.json()) as { ok: boolean; error?: string; failing?: string[] } };
  };

  it('answers 503 naming PostgreSQL while it is away, and 200 when it is back', async () => {
    expect(await ready()).toEqual({ status: 200, body: { ok: true } });
    relay.cut();
    const down = await poll('a 503 from /api/ready', async () => {
      const answer = await ready();
      return answer.status === 503 && answer;
    }, 30_000, 200);
    expect(down.body.failing).toEqual(['PostgreSQL']);
    expect(down.body.error).toContain('PostgreSQL does not answer');
    // The instance stays up (a liveness probe must not restart it for this).
    expect((await fetch(`${instance!.url}/api/health`)).status).toBe(200);

    relay.restore();
    await poll('a 200 from /api/ready', async () => (await ready()).status === 200, 30_000, 200);
    expect(await ready()).toEqual({ status: 200, body: { ok: true } });
  });

  it('refuses /metrics without the token, even from loopback, and serves it with the token', async () => {
    const url = `${instance!.url}/metrics`;
    const without = await fetch(url);
    expect(without.status).toBe(401);
    expect(await without.text()).toContain('SPEDY_METRICS_TOKEN');
    expect((await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(403);

    const allowed = await fetch(url, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(allowed.status).toBe(200);
    const text = await allowed.text();
    expect(text).toContain('spedy_jobs{status="completed"}');
    expect(metricValue(text, 'spedy_http_requests_total', { route: '/api/ready' })).toBeGreaterThanOrEqual(1);
  });
});
