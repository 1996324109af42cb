// The roll-ups of a real job: a ticket moved into AI Processing is worked by the real
// supervisor (Docker, Claude Code CLI against the scripted model), and the organization's
// roll-ups hold exactly what its stored usage, stage, validation and result events add up
// to — summed here in SQL and priced by hand, not by the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { models } from '@spedy/protocol/models';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { jobIn, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;

beforeAll(async () => {
  owner = await newMember('Rollup Owner');
  project = await createProject(owner, 'RUP');
  runner = await startTestRunner(owner, 'RUP');
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

type Usage = { model: string; input: number; output: number; cache_read: number; cache_write: number; cost: number | null };
const query = <T extends Record<string, unknown>>(text: string, params: unknown[]) => sql<T>(testStack().databaseUrl, text, params);
const perMillion = (tokens: number, price: number) => (tokens * price) / 1_000_000;

describe('roll-ups of a scripted job', () => {
  it('hold exactly what the job’s events add up to', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, 'Count my tokens');
    const job = await jobIn(ticketId, ['completed']);

    const usages = await query<Usage>(
      `SELECT payload->>'model' AS model, (payload->>'inputTokens')::int AS input, (payload->>'outputTokens')::int AS output,
              (payload->>'cacheReadTokens')::int AS cache_read, (payload->>'cacheWriteTokens')::int AS cache_write, (payload->>'costUsd')::float8 AS cost
       FROM job_event WHERE job_id = $1 AND type = 'usage'`,
      [job.id],
    );
    expect(usages.length).toBeGreaterThan(0);
    const expected = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0, readSaving: 0, writePremium: 0 };
    for (const u of usages) {
      const price = models.find((m) => m.id === u.model);
      expect(price, `the scripted job uses a listed model (${u.model})`).toBeDefined();
      if (!price) continue;
      expected.input += u.input;
      expected.output += u.output;
      expected.cacheRead += u.cache_read;
      expected.cacheWrite += u.cache_write;
      expected.cost += u.cost ?? perMillion(u.input, price.input) + perMillion(u.output, price.output) + perMillion(u.cache_read, price.cacheRead) + perMillion(u.cache_write, price.cacheWrite);
      expected.readSaving += perMillion(u.cache_read, price.input - price.cacheRead);
      expected.writePremium += perMillion(u.cache_write, price.cacheWrite - price.input);
    }
    expect(expected.cacheRead, 'the scripted model reports cache reads').toBeGreaterThan(0);

    const [totals] = await query<Record<string, number>>(
      `SELECT sum(completed)::int AS completed, sum(failed + errored)::int AS unsuccessful, sum(duration_ms) AS duration_ms, sum(turns)::int AS turns,
              sum(input_tokens)::float8 AS input, sum(output_tokens)::float8 AS output, sum(cache_read_tokens)::float8 AS cache_read, sum(cache_write_tokens)::float8 AS cache_write,
              sum(cost_usd) AS cost, sum(unpriced_usages)::int AS unpriced, sum(cache_read_saving_usd) AS read_saving, sum(cache_write_premium_usd) AS write_premium
       FROM job_daily WHERE organization_id = $1`,
      [owner.orgID],
    );
    const [timing] = await query<{ duration: number; turns: number }>(
      `SELECT j.finished_at - j.created_at AS duration,
              (SELECT coalesce(sum((payload->>'numTurns')::int), 0)::int FROM job_event WHERE job_id = j.id AND type = 'result') AS turns
       FROM job j WHERE j.id = $1`,
      [job.id],
    );
    expect(totals).toMatchObject({
      completed: 1,
      unsuccessful: 0,
      duration_ms: timing.duration,
      turns: timing.turns,
      input: expected.input,
      output: expected.output,
      cache_read: expected.cacheRead,
      cache_write: expected.cacheWrite,
      unpriced: 0,
    });
    expect(totals.cost).toBeCloseTo(expected.cost, 10);
    expect(totals.read_saving).toBeCloseTo(expected.readSaving, 10);
    expect(totals.write_premium).toBeCloseTo(expected.writePremium, 10);

    // The cost summary: the job's team and project, the same sums.
    const costs = await query<{ team_id: string; project_id: string; cost: number; input: number }>(
      `SELECT team_id, project_id, sum(cost_usd) AS cost, sum(input_tokens)::float8 AS input FROM cost_daily WHERE organization_id = $1 GROUP BY team_id, project_id`,
      [owner.orgID],
    );
    const [jobRow] = await query<{ team_id: string; project_id: string }>('SELECT team_id, project_id FROM job WHERE id = $1', [job.id]);
    expect(costs).toEqual([{ team_id: jobRow.team_id, project_id: project.id, cost: expect.closeTo(expected.cost, 10), input: expected.input }]);

    // Per stage: the stages' tokens add up to the job's; validations as the events say.
    const [stages] = await query<{ input: number; validations: number; passed: number; ended: number }>(
      `SELECT sum(input_tokens)::float8 AS input, sum(validations)::int AS validations, sum(validations_passed)::int AS passed, sum(completed + failed)::int AS ended
       FROM stage_daily WHERE organization_id = $1`,
      [owner.orgID],
    );
    const [events] = await query<{ validations: number; passed: number; ended: number }>(
      `SELECT count(*) FILTER (WHERE type = 'validation')::int AS validations,
              count(*) FILTER (WHERE type = 'validation' AND (payload->>'passed')::boolean)::int AS passed,
              count(*) FILTER (WHERE type = 'stage' AND payload->>'phase' IN ('completed', 'failed'))::int AS ended
       FROM job_event WHERE job_id = $1`,
      [job.id],
    );
    expect(stages).toEqual({ input: expected.input, ...events });
  }, 300_000);
});
