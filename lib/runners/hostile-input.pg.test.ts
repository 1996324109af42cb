import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';

let acme: RunnerOrg;
let mallory: RunnerOrg;
let runnerId: string;
let malloryRunner: string;
let jobId: string;

beforeAll(async () => {
  [acme, mallory] = await Promise.all([newRunnerOrg('Hostile Acme'), newRunnerOrg('Hostile Mallory')]);
  runnerId = await registerRunner(acme.api, { name: 'acme-runner' });
  malloryRunner = await registerRunner(mallory.api, { name: 'mallory-runner' });
  [jobId] = await createReadyJobs(acme.db, acme.account.orgID);
  expect((await acme.api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
});

afterAll(async () => {
  await acme?.closeDb();
  await mallory?.closeDb();
});

/** Everything the runner API can write for these organizations. */
async function snapshot() {
  const orgs = [acme.account.orgID, mallory.account.orgID];
  return sql(
    testStack().databaseUrl,
    `SELECT (SELECT json_agg(r ORDER BY id) FROM runner r WHERE organization_id = ANY($1)) AS runners,
            (SELECT json_agg(j ORDER BY id) FROM job j WHERE organization_id = ANY($1)) AS jobs,
            (SELECT count(*)::int FROM job_event WHERE organization_id = ANY($1)) AS events`,
    [orgs],
  );
}

describe('malformed and hostile bodies', () => {
  it('answers wrong types, missing fields and bad JSON with a readable 400 and writes nothing', async () => {
    const before = await snapshot();
    const cases: [string, unknown][] = [
      ['register', { name: 42, version: '1', capabilities: [], labels: [], poolSize: 1 }],
      ['register', { name: 'x', version: '1', capabilities: 'claude_code', labels: [], poolSize: 1 }],
      ['register', { name: 'x', version: '1', capabilities: ['Not A Tag!'], labels: [], poolSize: 1 }],
      ['register', { name: 'x', version: '1', capabilities: [], labels: [], poolSize: 1000 }],
      ['heartbeat', { runnerId }],
      ['heartbeat', { runnerId: { $ne: null }, activeJobIds: [] }],
      ['jobs/claim', { runnerId: null }],
      [`jobs/${jobId}/status`, { runnerId, status: 'done' }],
      [`jobs/${jobId}/status`, { runnerId, status: 'preparing', reason: 'x'.repeat(2001) }],
      [`jobs/${jobId}/events`, { runnerId, events: [] }],
      [`jobs/${jobId}/events`, { runnerId, events: [{ seq: 0, type: 'log', payload: {}, at: 1 }] }],
      [`jobs/${jobId}/events`, { runnerId, events: [{ seq: 2 ** 31, type: 'log', payload: {}, at: 1 }] }],
      [`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1.5, type: 'log', payload: [], at: 1 }] }],
    ];
    for (const [path, body] of cases) {
      const res = await acme.api.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(res.body.error).toMatch(/is invalid: /);
    }
    const notJson = await acme.api.request('POST', 'heartbeat', { rawBody: '{"runnerId": "x", ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe('The request body is not valid JSON.');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses huge arrays and oversized bodies', async () => {
    const before = await snapshot();
    const many = await acme.api.post(`jobs/${jobId}/events`, {
      runnerId,
      events: Array.from({ length: 501 }, (_, i) => ({ seq: i + 1, type: 'log', payload: {}, at: 1 })),
    });
    expect(many.status).toBe(400);
    expect(many.body.error).toMatch(/events: Too big: expected array to have <=500 items/i);
    const ids = await acme.api.post('heartbeat', { runnerId, activeJobIds: Array.from({ length: 100_000 }, (_, i) => `job-${i}`) });
    expect(ids.status).toBe(400);
    const huge = await acme.api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1, type: 'log', payload: { blob: 'x'.repeat(5 * 1024 * 1024) }, at: 1 }] });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/larger than 4 MB/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses what PostgreSQL could not store (NUL characters, lone surrogates, deep nesting) with a 400', async () => {
    const before = await snapshot();
    const nul = await acme.api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1, type: 'log', payload: { text: 'a\u0000b' }, at: 1 }] });
    expect(nul.status).toBe(400);
    const surrogate = await acme.api.request('POST', `jobs/${jobId}/events`, {
      rawBody: `{"runnerId":"${runnerId}","events":[{"seq":1,"type":"log","payload":{"t":"\\ud800"},"at":1}]}`,
    });
    expect(surrogate.status).toBe(400);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = [deep];
    const nested = await acme.api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1, type: 'log', payload: { deep }, at: 1 }] });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatch(/nested deeper/);
    expect(await snapshot()).toEqual(before);
  });

  it('treats SQL-looking strings as plain data', async () => {
    const name = "x'); DROP TABLE job; --";
    const res = await acme.api.post('register', { name, version: "1' OR '1'='1", capabilities: [], labels: [], poolSize: 1 });
    expect(res.status).toBe(200);
    const [row] = await sql(testStack().databaseUrl, 'SELECT name, version FROM runner WHERE id = $1', [res.body.runnerId]);
    expect(row).toEqual({ name, version: "1' OR '1'='1" });
    const sneaky = await acme.api.post('heartbeat', { runnerId: "' OR 1=1 --", activeJobIds: ["' OR 1=1 --"] });
    expect(sneaky.status).toBe(404);
    const path = await acme.api.post(`jobs/${encodeURIComponent("x' OR '1'='1")}/status`, { runnerId, status: 'preparing' });
    expect(path.status).toBe(404);
    const [{ n }] = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job WHERE id = $1', [jobId]);
    expect(n).toBe(1);
  });

  it("answers 404 for another organization's jobs and runners, and writes nothing", async () => {
    const before = await snapshot();
    const status = await mallory.api.post(`jobs/${jobId}/status`, { runnerId: malloryRunner, status: 'failed' });
    expect(status.status).toBe(404);
    expect(status.body.error).toBe('No such job in this organization.');
    const events = await mallory.api.post(`jobs/${jobId}/events`, { runnerId: malloryRunner, events: [{ seq: 1, type: 'log', payload: {}, at: 1 }] });
    expect(events.status).toBe(404);
    const [otherReady] = await createReadyJobs(acme.db, acme.account.orgID);
    const claim = await mallory.api.post('jobs/claim', { runnerId: malloryRunner, jobId: otherReady });
    expect(claim.status).toBe(404);
    const asAcmeRunner = await mallory.api.post('heartbeat', { runnerId, activeJobIds: [jobId] });
    expect(asAcmeRunner.status).toBe(404);
    const beforeWithNewJob = await snapshot();
    expect(beforeWithNewJob[0].runners).toEqual(before[0].runners);
    expect(beforeWithNewJob[0].events).toBe(before[0].events);
    const [row] = await sql(testStack().databaseUrl, 'SELECT status, runner_id FROM job WHERE id = $1', [otherReady]);
    expect(row).toEqual({ status: 'ready', runner_id: null });
  });
});
