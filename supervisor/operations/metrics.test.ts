import { afterEach, describe, expect, it } from 'vitest';
import type { JobStatus } from '@spedy/protocol/job-status';
import { listPriceUsd } from '@spedy/protocol/models';
import { observeSupervisor, recordEventsDelivered, recordImageBuild, recordJobStatus, recordModelUsage, supervisorMetrics } from './metrics.ts';
import { startStatusServer, type StatusServer } from './status-server.ts';
import { metricValue as sample } from '../../test/support/prometheus-text.ts';
import type { Health } from './health.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

let server: StatusServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('supervisor metrics', () => {
  it('counts statuses, events, tokens and cost by model, and reads the pool at scrape time', async () => {
    const usage = { model: 'claude-sonnet-4-6', inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 50 };
    const before = await supervisorMetrics().registry.metrics();
    recordJobStatus('running');
    recordJobStatus('completed');
    recordEventsDelivered(7);
    recordEventsDelivered(0);
    recordModelUsage(usage);
    recordModelUsage({ ...usage, model: 'scripted-model' });
    const held: JobStatus[] = ['running', 'stopped', 'executing'];
    const unobserve = observeSupervisor({ poolSize: 3, jobStatuses: () => held, lastHeartbeatAt: () => Date.now() - 4_000 });
    const text = await supervisorMetrics().registry.metrics();
    unobserve();

    const grew = (name: string, labels?: Record<string, string>) => sample(text, name, labels) - sample(before, name, labels);
    expect(grew('spedy_supervisor_job_status_changes_total', { status: 'running' })).toBe(1);
    expect(grew('spedy_supervisor_job_status_changes_total', { status: 'completed' })).toBe(1);
    expect(grew('spedy_supervisor_job_events_total')).toBe(7);
    expect(grew('spedy_supervisor_model_tokens_total', { model: 'claude-sonnet-4-6', kind: 'input' })).toBe(1200);
    expect(grew('spedy_supervisor_model_tokens_total', { model: 'claude-sonnet-4-6', kind: 'output' })).toBe(300);
    expect(grew('spedy_supervisor_model_tokens_total', { model: 'claude-sonnet-4-6', kind: 'cache_write' })).toBe(50);
    expect(grew('spedy_supervisor_model_cost_usd_total', { model: 'claude-sonnet-4-6' })).toBeCloseTo(listPriceUsd(usage) ?? Number.NaN, 9);
    // A model off the price list counts its tokens, not a made-up cost.
    expect(grew('spedy_supervisor_model_tokens_total', { model: 'scripted-model', kind: 'input' })).toBe(1200);
    expect(text).not.toContain('spedy_supervisor_model_cost_usd_total{model="scripted-model"}');

    expect(sample(text, 'spedy_supervisor_jobs', { status: 'running' })).toBe(1);
    expect(sample(text, 'spedy_supervisor_jobs', { status: 'stopped' })).toBe(1);
    expect(sample(text, 'spedy_supervisor_jobs', { status: 'completed' })).toBe(0);
    expect(sample(text, 'spedy_supervisor_slots_in_use')).toBe(2);
    expect(sample(text, 'spedy_supervisor_pool_size')).toBe(3);
    expect(sample(text, 'spedy_supervisor_last_heartbeat_age_seconds')).toBeGreaterThanOrEqual(4);

    // Unobserved (the supervisor stopped): nothing is held.
    const after = await supervisorMetrics().registry.metrics();
    expect(sample(after, 'spedy_supervisor_slots_in_use')).toBe(0);
    expect(sample(after, 'spedy_supervisor_last_heartbeat_age_seconds')).toBe(-1);
  });

  it('times runner image builds by outcome and passes their result on', async () => {
    const count = async (outcome: string) => sample(await supervisorMetrics().registry.metrics(), 'spedy_supervisor_image_build_seconds_count', { outcome });
    const [built, failed] = [await count('built'), await count('failed')];
    await expect(recordImageBuild(Promise.resolve('spedy-runner:abc'))).resolves.toBe('spedy-runner:abc');
    await expect(recordImageBuild(Promise.reject(new Error('debootstrap failed')))).rejects.toThrow('debootstrap failed');
    expect(await count('built')).toBe(built + 1);
    expect(await count('failed')).toBe(failed + 1);
  });
});

describe('the status listener', () => {
  const start = async (health: () => Promise<Health>) => {
    server = await startStatusServer({ host: '127.0.0.1', port: 0, health, log: silent });
    return server.url;
  };

  it('answers /healthz 200 when healthy and 503 with the reasons when not', async () => {
    let health: Health = { healthy: true };
    const url = await start(async () => health);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    health = { healthy: false, reasons: ['the Docker engine does not answer its ping'] };
    const down = await fetch(`${url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', reasons: ['the Docker engine does not answer its ping'] });
  });

  it('serves the Prometheus text at /metrics and nothing else', async () => {
    const url = await start(async () => ({ healthy: true }));
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('# TYPE spedy_supervisor_job_status_changes_total counter');
    expect((await fetch(`${url}/jobs`)).status).toBe(404);
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 500 without the details when the health check throws', async () => {
    const url = await start(async () => {
      throw new Error('internal detail');
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('internal detail');
  });
});
