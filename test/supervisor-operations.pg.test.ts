// The supervisor's /healthz and /metrics with real parts: the demo supervisor process (the
// test kit's scripted model, Docker containers) reaches the platform through a TCP relay the
// test cuts. /healthz is 200 while connected and 503 with the reason once the platform is
// gone, 200 again when it is back; /metrics follows a job through its statuses and counts its
// events and the tokens the model proxy metered, by model, as the platform stored them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../stack/ports.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { endedJobStatuses, jobIn, poll, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { metricValue } from './support/prometheus-text.ts';
import { testStack } from './support/stack-env.ts';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.ts';

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let relay: TcpRelay;
let runner: TestRunner | null = null;
let statusUrl: string;

const healthz = async () => {
  const response = await fetch(`${statusUrl}/healthz`).catch(() => null);
  return response && { status: response.status, body: (await response.json()) as { status: string; reasons?: string[] } };
};
const scrape = async () => {
  const response = await fetch(`${statusUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
};

beforeAll(async () => {
  owner = await newMember('Operations Owner');
  project = await createProject(owner, 'OPS');
  const app = new URL(testStack().appUrl);
  relay = await startTcpRelay({ host: app.hostname, port: Number(app.port) });
  const statusPort = await findFreePort();
  statusUrl = `http://127.0.0.1:${statusPort}`;
  runner = await startTestRunner(owner, 'OPS', { appUrl: `http://127.0.0.1:${relay.port}`, localEnv: { SPEDY_STATUS_PORT: String(statusPort) } });
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await relay?.close();
  await owner?.zero.close();
});

describe('the supervisor’s health and metrics', () => {
  it('answers /healthz, and /metrics counts a job through its statuses, its events and its tokens by model', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const healthy = await poll('the supervisor to be healthy', async () => {
      const answer = await healthz();
      return answer?.status === 200 && answer;
    }, 60_000, 200);
    expect(healthy.body).toEqual({ status: 'ok' });
    const before = await scrape();
    expect(metricValue(before, 'spedy_supervisor_pool_size')).toBe(2);
    expect(metricValue(before, 'spedy_supervisor_slots_in_use')).toBe(0);
    expect(metricValue(before, 'spedy_supervisor_last_heartbeat_age_seconds')).toBeGreaterThanOrEqual(0);

    const ticketId = await startTicket(owner, project, 'Add a greeting script');
    // While it runs, the job holds a slot under its current status.
    const running = await poll('the job to hold a slot in the metrics', async () => {
      const text = await scrape();
      return metricValue(text, 'spedy_supervisor_slots_in_use') === 1 && text;
    }, 120_000, 100);
    expect(metricValue(running, 'spedy_supervisor_jobs')).toBe(1);
    const job = await jobIn(ticketId, endedJobStatuses);
    expect(job.status).toBe('completed');

    const after = await poll('the slot to be free in the metrics', async () => {
      const text = await scrape();
      return metricValue(text, 'spedy_supervisor_slots_in_use') === 0 && text;
    }, 30_000, 100);
    const grew = (name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(metricValue(after, 'spedy_supervisor_jobs')).toBe(0);
    // Through its statuses: claimed (the claim answers Running or Claimed), then on to Completed.
    expect(grew('spedy_supervisor_job_status_changes_total', { status: 'completed' })).toBe(1);
    expect(grew('spedy_supervisor_job_status_changes_total')).toBeGreaterThanOrEqual(2);
    // Every event the platform stored for it was counted once.
    const [{ n: stored }] = await sql<{ n: number }>(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [job.id]);
    expect(grew('spedy_supervisor_job_events_total')).toBe(stored);
    // The metered tokens by model are the job's usage events.
    const usage = await sql<{ model: string; input: number; output: number }>(
      testStack().databaseUrl,
      `SELECT payload->>'model' AS model, sum((payload->>'inputTokens')::int)::int AS input, sum((payload->>'outputTokens')::int)::int AS output
       FROM job_event WHERE job_id = $1 AND type = 'usage' GROUP BY 1`,
      [job.id],
    );
    expect(usage.length).toBeGreaterThan(0);
    for (const { model, input, output } of usage) {
      expect(input + output).toBeGreaterThan(0);
      expect(grew('spedy_supervisor_model_tokens_total', { model, kind: 'input' })).toBe(input);
      expect(grew('spedy_supervisor_model_tokens_total', { model, kind: 'output' })).toBe(output);
    }
  }, 300_000);

  it('answers /healthz 503 with the reason while the platform is gone, and 200 when it is back', async () => {
    expect(runner).not.toBeNull();
    relay.cut();
    const down = await poll('/healthz to report the platform gone', async () => {
      const answer = await healthz();
      return answer?.status === 503 && answer;
    }, 120_000, 200);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.reasons).toEqual([expect.stringContaining('not connected to the platform')]);
    // /metrics still answers meanwhile: the heartbeat is older than when the platform last answered.
    expect(metricValue(await scrape(), 'spedy_supervisor_last_heartbeat_age_seconds')).toBeGreaterThan(0);

    relay.restore();
    expect(await poll('/healthz to be ok again', async () => (await healthz())?.status === 200, 120_000, 200)).toBe(true);
  }, 300_000);
});
