// A job's budget is its team's unless overridden on the job (lib/jobs/budget.ts): while it is
// Ready, or a raise while it waits at its cap, which continues it with its runner (the claim
// brings the new limits). Administrators only, never past the team's cost ceiling; refused
// input changes nothing. "End the job" at a cap fails it with the reason it waited with.
import { defineMutator, defineMutators } from '@rocicorp/zero';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { connectDb, type Db } from '../lib/db/client.ts';
import { createJob } from '../lib/jobs/create.ts';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { defaultBudget } from '../lib/teams/pipeline.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { joinOrg, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { registerRunner, runnerApi, sampleSnapshot, type RunnerApi } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { connectZero, waitForData } from './support/zero-client.ts';

let owner: Member;
let member: Member;

// Client mutators that check nothing, so every call reaches the server, whose checks are the ones that count.
const unchecked = defineMutators({
  job: { setBudget: defineMutator(async () => {}), cancel: defineMutator(async () => {}) },
  team: { update: defineMutator(async () => {}) },
});
const serverOnly = new Map<Member, ReturnType<typeof connectZero>>();
function asServerSees(who: Member) {
  let zero = serverOnly.get(who);
  if (!zero) {
    zero = connectZero({ cacheURL: testStack().zeroUrl, userID: who.userID, token: who.token, context: who.context, mutators: unchecked, storageKey: `unchecked-${who.userID}` });
    serverOnly.set(who, zero);
  }
  return zero;
}
const setBudget = (budget: Record<string, number | null>, jobId: string, who: Member = owner) =>
  serverVerdict(asServerSees(who).mutate(unchecked.job.setBudget({ id: jobId, budget })));
let db: Db;
let closeDb: () => Promise<void>;
let teamID: string;
let api: RunnerApi;
let runnerId: string;

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const budgetOf = async (jobId: string) => (await query<{ budget: JobSnapshot['budget'] }>("SELECT snapshot->'budget' AS budget FROM secure.job_snapshot WHERE job_id = $1", [jobId]))[0]!.budget;
const jobRow = async (id: string) => (await query<{ status: string; status_reason: string | null; runner_id: string | null }>('SELECT status, status_reason, runner_id FROM job WHERE id = $1', [id]))[0];
const capReason = 'Budget reached: $4.02 of $4.00';

/** A job of the team with the team's budget ($4), Ready, or as a runner left it. */
async function teamJob(state: { status: string; reason?: string } | null = null): Promise<string> {
  const snapshot = sampleSnapshot();
  snapshot.budget = { ...snapshot.budget, maxCostUsd: 4, maxTurns: 200 };
  const job = await db.transaction((tx) => createJob(tx, { organizationId: owner.orgID, type: 'batch', title: `Budget job ${nanoid(4)}`, snapshot, teamId: teamID }));
  if (state) await query('UPDATE job SET status = $2, status_reason = $3, runner_id = $4, claimed_at = $5 WHERE id = $1', [job.id, state.status, state.reason ?? null, runnerId, Date.now()]);
  return job.id;
}

beforeAll(async () => {
  owner = await newMember('Budget Boss');
  member = await joinOrg(await newMember('Budget Member'), owner, 'member');
  ({ db, close: closeDb } = connectDb(testStack().databaseUrl));
  teamID = nanoid();
  const fields = { description: '', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: [] };
  const budget = { ...defaultBudget, maxCostUsd: 4, maxCostCeilingUsd: 8 };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id: teamID, orgID: owner.orgID, preset: 'code_runner', name: 'Thrifty', handle: 'thrifty', budget, ...fields })))).toBeNull();
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'budget token', createdBy: owner.userID });
  api = runnerApi(testStack().appUrl, issued.token);
  // A label no job asks for keeps it from claiming anything but the job it holds.
  runnerId = await registerRunner(api, { name: 'budget-runner', labels: ['budget-tests'] });
}, 60_000);

afterAll(async () => {
  await Promise.all([...serverOnly.values()].map((zero) => zero.close()));
  await owner?.zero.close();
  await member?.zero.close();
  await closeDb?.();
});

describe('overriding a job’s budget', () => {
  it('overrides a Ready job’s limits, keeping the others, up to the team’s ceiling', async () => {
    const jobId = await teamJob();
    expect(await setBudget({ maxCostUsd: 6, maxOutputTokens: 50_000 }, jobId)).toBeNull();
    expect(await budgetOf(jobId)).toMatchObject({ maxCostUsd: 6, maxOutputTokens: 50_000, maxTurns: 200, warningThresholdPercent: 80 });
    expect(await jobRow(jobId)).toMatchObject({ status: 'ready' });
  });

  it('refuses past the ceiling (members too), no limit under a ceiling and bad figures, writing nothing', async () => {
    const jobId = await teamJob();
    const refused = (budget: Record<string, number | null>, who: Member = owner) => setBudget(budget, jobId, who);
    expect(await refused({ maxCostUsd: 9 })).toBe("$9.00 is above the team's cost ceiling of $8.00; ask an administrator to raise the ceiling.");
    expect(await refused({ maxCostUsd: null })).toBe("The team's cost ceiling is $8.00; set a cost limit up to it.");
    expect(await refused({ maxCostUsd: -1 })).toContain('The cost limit must be above $0.');
    expect(await refused({ maxTurns: 2.5 })).toContain('The turn limit is a whole number.');
    expect(await refused({})).toContain('Change at least one limit.');
    // Members steer jobs (`jobs:steer`), their budgets included, but never past the ceiling only administrators set.
    expect(await refused({ maxCostUsd: 9 }, member)).toBe("$9.00 is above the team's cost ceiling of $8.00; ask an administrator to raise the ceiling.");
    expect((await budgetOf(jobId)).maxCostUsd).toBe(4);
  });

  it('refuses while the job runs, or waits for an answer rather than at its cap', async () => {
    const running = await teamJob({ status: 'running' });
    expect(await setBudget({ maxCostUsd: 6 }, running)).toBe(
      "A job's budget can be changed while it is Ready or waits at its budget; this one is Running.",
    );
    const asking = await teamJob({ status: 'waiting_for_input', reason: 'No progress: `npm test` failed the same way 3 times' });
    expect(await setBudget({ maxCostUsd: 6 }, asking)).toContain('Ready or waits at its budget');
    expect((await budgetOf(running)).maxCostUsd).toBe(4);
    expect((await budgetOf(asking)).maxCostUsd).toBe(4);
  });

  it('a raise at the cap continues the job with its runner, whose claim brings the new limit', async () => {
    const jobId = await teamJob({ status: 'waiting_for_input', reason: capReason });
    expect(await setBudget({ maxCostUsd: 7.5 }, jobId)).toBeNull();
    expect(await jobRow(jobId)).toMatchObject({ status: 'ready', status_reason: null, runner_id: runnerId });
    const controls = await query<{ action: string }>('SELECT action FROM secure.job_control WHERE job_id = $1', [jobId]);
    expect(controls.map((c) => c.action)).toEqual(['continue']);

    const claim = await api.post('jobs/claim', { runnerId, jobId });
    expect(claim.status).toBe(200);
    expect(claim.body.job).toMatchObject({ id: jobId, snapshot: { budget: { maxCostUsd: 7.5, maxTurns: 200 } } });
  });

  it('"End the job" at the cap fails it with the reason it waited with', async () => {
    const jobId = await teamJob({ status: 'waiting_for_input', reason: capReason });
    expect(await serverVerdict(asServerSees(owner).mutate(unchecked.job.cancel({ id: jobId })))).toBeNull();
    // The runner is online: it is told to cancel with the budget's reason, and reports Failed with it.
    const controls = await query<{ action: string; text: string }>('SELECT action, text FROM secure.job_control WHERE job_id = $1', [jobId]);
    expect(controls).toEqual([{ action: 'cancel', text: capReason }]);
  });
});

describe('the team’s cost ceiling', () => {
  it('only an administrator sets it, and the team’s own max cost stays under it', async () => {
    const team = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
    await waitForData(team, (rows) => rows.some((row) => row.id === teamID));
    team.destroy();
    const budget = { ...defaultBudget, maxCostUsd: 12, maxCostCeilingUsd: 8 };
    expect(await serverVerdict(owner.zero.mutate(mutators.team.update({ id: teamID, budget })))).toContain('Max cost must be set and at most the cost ceiling.');
    expect(await serverVerdict(asServerSees(member).mutate(unchecked.team.update({ id: teamID, budget: { ...budget, maxCostUsd: 4, maxCostCeilingUsd: 100 } })))).toContain('Only administrators');
    const [row] = await query<{ budget: { maxCostCeilingUsd: number } }>('SELECT budget FROM runner_team WHERE id = $1', [teamID]);
    expect(row!.budget.maxCostCeilingUsd).toBe(8);
  });
});
