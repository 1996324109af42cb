// The roll-ups counted from what a runner reports through the runner API (real app,
// PostgreSQL and zero-cache): usage priced per model, stage spans and validations, turns, a
// resent batch counted once, days in the organization's time zone, and who may read what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../db/client.ts';
import { issueRunnerToken } from '../runners/tokens.ts';
import { runnerTokenHashKey } from '../secrets/keyring.ts';
import { mutators } from '../../zero/mutators.ts';
import { queries } from '../../zero/queries.ts';
import { sql } from '../../test/support/db.ts';
import { joinOrg, newMember, serverVerdict, type Member } from '../../test/support/fixtures.ts';
import { createReadyJobs, registerRunner, runnerApi, type RunnerApi } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { dayOf } from './days.ts';

let owner: Member;
let member: Member;
let api: RunnerApi;
let runnerId: string;
let closeDb: () => Promise<void>;
let db: ReturnType<typeof connectDb>['db'];

beforeAll(async () => {
  owner = await newMember('Analytics Owner');
  member = await joinOrg(await newMember('Analytics Member'), owner, 'member');
  const connection = connectDb(testStack().databaseUrl);
  db = connection.db;
  closeDb = connection.close;
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'analytics', createdBy: owner.userID });
  api = runnerApi(testStack().appUrl, issued.token);
  runnerId = await registerRunner(api);
});

afterAll(async () => {
  await owner?.zero.close();
  await member?.zero.close();
  await closeDb?.();
});

/** A roll-up table's rows of the organization; token counts (bigint, which pg hands over as text) as numbers. */
const rows = async (table: string, orgID: string) =>
  (await sql<Record<string, unknown>>(testStack().databaseUrl, `SELECT * FROM ${table} WHERE organization_id = $1 ORDER BY 2, 3`, [orgID])).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k.endsWith('_tokens') ? Number(v) : v])),
  );

// 29 Mar 2026 21:00 UTC = 23:00 in Berlin (summer time); 90 minutes later it is the 30th there.
const t0 = Date.UTC(2026, 2, 29, 21, 0);
const minute = 60_000;
const sonnet = { stage: 'code', model: 'claude-sonnet-4-6', inputTokens: 1000, outputTokens: 500, cacheReadTokens: 1_000_000, cacheWriteTokens: 200_000 };
const unknownModel = { stage: 'code', model: 'local-model', inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 0 };

describe('analytics roll-ups', () => {
  it('refuses a time zone that is not an IANA zone, and a member changing it', async () => {
    const unknownZone = await owner.zero.mutate(mutators.organizationSettings.update({ orgID: owner.orgID, timeZone: 'Mars/Olympus_Mons' })).client;
    expect(unknownZone.type).toBe('error');
    expect(unknownZone.type === 'error' && unknownZone.error.message).toMatch('Choose a time zone from the list');
    expect(await serverVerdict(member.zero.mutate(mutators.organizationSettings.update({ orgID: owner.orgID, timeZone: 'Europe/Berlin' })))).toBe(
      'Only administrators can change the organization’s settings, such as its time zone.',
    );
    expect(await serverVerdict(owner.zero.mutate(mutators.organizationSettings.update({ orgID: owner.orgID, timeZone: 'Europe/Berlin' })))).toBeNull();
    expect(await sql(testStack().databaseUrl, 'SELECT time_zone FROM organization_settings WHERE organization_id = $1', [owner.orgID])).toEqual([{ time_zone: 'Europe/Berlin' }]);
  });

  it('counts a job’s usage, stages, validations, turns and outcome on the organization’s days, once', async () => {
    const [jobId] = await createReadyJobs(db, owner.orgID);
    expect((await api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
    const events = [
      { seq: 1, type: 'stage', payload: { stage: 'code', name: 'Code', phase: 'started' }, at: t0 },
      { seq: 2, type: 'usage', payload: sonnet, at: t0 + minute },
      { seq: 3, type: 'validation', payload: { stage: 'code', command: 'npm test', passed: false, exitCode: 1, attempt: 1 }, at: t0 + 2 * minute },
      { seq: 4, type: 'validation', payload: { stage: 'code', command: 'npm test', passed: true, exitCode: 0, attempt: 2 }, at: t0 + 3 * minute },
      { seq: 5, type: 'result', payload: { stage: 'code', isError: false, numTurns: 7 }, at: t0 + 4 * minute },
    ];
    const late = [
      { seq: 6, type: 'stage', payload: { stage: 'code', name: 'Code', phase: 'completed' }, at: t0 + 90 * minute },
      { seq: 7, type: 'usage', payload: unknownModel, at: t0 + 90 * minute },
    ];
    expect((await api.post(`jobs/${jobId}/events`, { runnerId, events })).status).toBe(200);
    expect((await api.post(`jobs/${jobId}/events`, { runnerId, events: late })).status).toBe(200);
    // Resent (its answer was lost): stored once, counted once.
    expect((await api.post(`jobs/${jobId}/events`, { runnerId, events: [...events.slice(3), ...late] })).body).toEqual({ ackedSeq: 7 });
    for (const status of ['preparing', 'executing', 'running', 'completed']) {
      expect((await api.post(`jobs/${jobId}/status`, { runnerId, status })).status).toBe(200);
    }

    const [job] = await sql<{ created_at: number; finished_at: number }>(testStack().databaseUrl, 'SELECT created_at, finished_at FROM job WHERE id = $1', [jobId]);
    const today = dayOf(job.finished_at, 'Europe/Berlin');
    const zeroTokens = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };
    const sonnetTokens = { input_tokens: 1000, output_tokens: 500, cache_read_tokens: 1_000_000, cache_write_tokens: 200_000 };
    const unknownTokens = { input_tokens: 10, output_tokens: 5, cache_read_tokens: 100, cache_write_tokens: 0 };
    // Sonnet 4.6 at list prices: 1000 × $3 + 500 × $15 + 1,000,000 × $0.30 + 200,000 × $3.75 per million = $1.0605.
    // Saving: 1,000,000 × ($3 − $0.30)/M = $2.70 on reads; 200,000 × ($3.75 − $3)/M = $0.15 premium on writes.
    const days = await rows('job_daily', owner.orgID);
    expect(days).toEqual([
      expect.objectContaining({ day: '2026-03-29', ...sonnetTokens, turns: 7, completed: 0, unpriced_usages: 0, cost_usd: expect.closeTo(1.0605, 10), cache_read_saving_usd: expect.closeTo(2.7, 10), cache_write_premium_usd: expect.closeTo(0.15, 10) }),
      expect.objectContaining({ day: '2026-03-30', ...unknownTokens, turns: 0, cost_usd: 0, unpriced_usages: 1, cache_read_saving_usd: 0, cache_write_premium_usd: 0 }),
      expect.objectContaining({ day: today, ...zeroTokens, completed: 1, failed: 0, errored: 0, duration_ms: job.finished_at - job.created_at }),
    ]);
    expect(await rows('usage_daily', owner.orgID)).toEqual([
      expect.objectContaining({ day: '2026-03-29', model: 'claude-sonnet-4-6', ...sonnetTokens, cache_read_saving_usd: expect.closeTo(2.7, 10) }),
      expect.objectContaining({ day: '2026-03-30', model: 'local-model', ...unknownTokens, cache_read_saving_usd: 0 }),
    ]);
    expect(await rows('stage_daily', owner.orgID)).toEqual([
      expect.objectContaining({ day: '2026-03-29', stage: 'Code', ...sonnetTokens, cost_usd: expect.closeTo(1.0605, 10), validations: 2, validations_passed: 1, completed: 0, duration_ms: 0 }),
      // The span started on the 29th and ended at 00:30 on the 30th: counted when it ended.
      expect.objectContaining({ day: '2026-03-30', stage: 'Code', ...unknownTokens, unpriced_usages: 1, completed: 1, failed: 0, duration_ms: 90 * minute, validations: 0 }),
    ]);
    expect(await rows('cost_daily', owner.orgID)).toEqual([
      expect.objectContaining({ day: '2026-03-29', team_id: '', project_id: '', model: 'claude-sonnet-4-6', cost_usd: expect.closeTo(1.0605, 10) }),
      expect.objectContaining({ day: '2026-03-30', team_id: '', project_id: '', model: 'local-model', unpriced_usages: 1 }),
    ]);
  });

  it('gives every member the days, models and stages, and the cost summary to administrators only', async () => {
    const window = { orgID: owner.orgID, fromDay: '2026-03-01' };
    const memberDays = await member.zero.run(queries.analytics.days(window), { type: 'complete' });
    expect(memberDays.map((d) => d.day)).toContain('2026-03-29');
    expect((await member.zero.run(queries.analytics.models(window), { type: 'complete' })).length).toBe(2);
    expect((await member.zero.run(queries.analytics.stages(window), { type: 'complete' })).length).toBe(2);
    expect(await member.zero.run(queries.analytics.costs(window), { type: 'complete' })).toEqual([]);
    const ownerCosts = await owner.zero.run(queries.analytics.costs(window), { type: 'complete' });
    expect(ownerCosts.map((c) => c.model).sort()).toEqual(['claude-sonnet-4-6', 'local-model']);
    // Another organization's roll-ups are nobody's business.
    const stranger = await newMember('Analytics Stranger');
    try {
      expect(await stranger.zero.run(queries.analytics.days(window), { type: 'complete' })).toEqual([]);
    } finally {
      await stranger.zero.close();
    }
  });

  it('takes absurd figures from a runner without failing its batch', async () => {
    const [jobId] = await createReadyJobs(db, owner.orgID);
    expect((await api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
    const events = [
      // Beyond what the day's sum takes, yet a safe integer: zero-cache replicates job_event's payload too.
      { seq: 1, type: 'usage', payload: { ...sonnet, inputTokens: 1.5, outputTokens: -3, cacheReadTokens: 5e12, cacheWriteTokens: 0 }, at: 9e15 },
      { seq: 2, type: 'result', payload: { stage: 'code', isError: false, numTurns: 1e15 }, at: -9e15 },
      { seq: 3, type: 'usage', payload: { ...sonnet, model: 'x'.repeat(5000) }, at: Date.now() },
    ];
    expect((await api.post(`jobs/${jobId}/events`, { runnerId, events })).body).toEqual({ ackedSeq: 3 });
    const today = dayOf(Date.now(), 'Europe/Berlin');
    const todays = (await rows('usage_daily', owner.orgID)).filter((r) => r.day === today);
    expect(todays.find((r) => r.model === 'claude-sonnet-4-6')).toMatchObject({ input_tokens: 2, output_tokens: 0, cache_read_tokens: 1e12 });
    expect(todays.find((r) => r.model === 'x'.repeat(200))).toMatchObject({ input_tokens: 1000 });

    // A number beyond ±2^53 would stop zero-cache's replication of job_event: refused, nothing stored.
    const unsafe = await api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 4, type: 'usage', payload: { ...sonnet, inputTokens: 1e300 }, at: Date.now() }] });
    expect(unsafe.status).toBe(400);
    expect(JSON.stringify(unsafe.body)).toContain('inputTokens is a number beyond ±9007199254740991');
    expect(await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [jobId])).toEqual([{ n: 3 }]);
  });
});
