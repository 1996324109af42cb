// Figures where people look: the usage a job's agent reports reaches the ticket runs panel,
// the Jobs tab and Active Runners as the same totals (job_usage, kept in the transaction
// that stores the events); follow-up runs join their root run; members read runners and
// jobs but nothing of tokens or runner settings. The scripted run uses the demo runner (the
// real supervisor, Docker and Claude Code against the scripted model).
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupRuns } from '../lib/jobs/run-groups.ts';
import { jobUsageTotals, usageOfEvents, type JobUsageTotals } from '../lib/jobs/usage.ts';
import type { StageConfig } from '../lib/teams/pipeline.ts';
import { presets } from '../lib/teams/presets.ts';
import { rankBetween } from '../lib/tickets/rank.ts';
import { editAndTestUsage } from '../test-kit/model-server/scenarios.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, joinOrg, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { codingStage, eventsOf, jobIn, latestJob, startTestRunner, startTicket, whenMemberSees, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

type Project = Awaited<ReturnType<typeof createProject>>;

let owner: Member;
let teammate: Member;
/** Its team needs a label no runner has: its jobs stay Ready. */
let idle: Project;
/** Worked by the demo runner. */
let worked: Project;
let runner: TestRunner | null = null;

const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);

async function useTeam(project: Project, name: string, requiredLabels: string[], stages: StageConfig[][]): Promise<void> {
  const id = nanoid();
  const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const fields = { description: 'Figures tests', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name, handle, ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = stages.map((step, i) => ({ id: `step-${i}`, stages: step }));
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}

async function moveTicket(project: Project, ticketId: string, statusName: string) {
  const status = project.statuses.find((s) => s.name === statusName)!;
  expect(await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: status.id, rank: rankBetween(null, null) })))).toBeNull();
}

/** What a live query (a member's materialized view) shows once `predicate` holds: the views read exactly these rows. */
async function settled<T>(view: { data: T; addListener(cb: (data: T) => void): () => void; destroy(): void }, predicate: (data: T) => boolean, timeoutMs = 30_000): Promise<T> {
  try {
    return await waitForData(view, predicate, timeoutMs);
  } finally {
    view.destroy();
  }
}

/** The job's totals as its stored usage and result events add up (the job page's arithmetic). */
async function totalsFromEvents(jobId: string): Promise<JobUsageTotals> {
  const rows = await db<{ seq: number; type: string; payload: unknown }>("SELECT seq, type, payload FROM job_event WHERE job_id = $1 AND type IN ('usage', 'result') ORDER BY seq", [jobId]);
  return usageOfEvents(rows);
}

/**
 * Stored totals and the events' sums agree: counts exactly; the cache saving (dollars summed
 * batch by batch in PostgreSQL) to the last representable digits.
 */
function expectSameTotals(stored: JobUsageTotals, fromEvents: JobUsageTotals) {
  const { saving, ...figures } = stored;
  const { saving: expectedSaving, ...expectedFigures } = fromEvents;
  expect(figures).toEqual(expectedFigures);
  expect(saving.unpriced).toBe(expectedSaving.unpriced);
  for (const k of ['readSavingUsd', 'writePremiumUsd', 'netUsd'] as const) expect(saving[k]).toBeCloseTo(expectedSaving[k], 12);
}

beforeAll(async () => {
  owner = await newMember('Figures Owner');
  teammate = await joinOrg(await newMember('Figures Member'), owner, 'member');
  idle = await createProject(owner, 'FGI');
  worked = await createProject(owner, 'FGW');
  await owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete;
  await useTeam(idle, 'Figures Nobody', ['no-runner-has-this'], [[codingStage('work', { name: 'Work' })]]);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
  await teammate?.zero.close();
});

describe('follow-up runs', () => {
  it('a ticket moved back into the working status follows up its previous run: both follow-ups sit under the first run, newest first', async () => {
    const ticketId = await startTicket(owner, idle, 'Retry me twice');
    const first = await jobIn(ticketId, ['ready'], 30_000);
    const ids = [first.id];
    for (let i = 0; i < 2; i++) {
      await whenMemberSees(owner, ids.at(-1)!, 'ready');
      expect(await serverVerdict(owner.zero.mutate(mutators.job.cancel({ id: ids.at(-1)! })))).toBeNull();
      await moveTicket(idle, ticketId, 'AI Processing');
      const next = await latestJob(ticketId);
      expect(next!.id).not.toBe(ids.at(-1));
      ids.push(next!.id);
    }
    const roots = await db<{ id: string; root_job_id: string }>('SELECT id, root_job_id FROM job WHERE ticket_id = $1 ORDER BY created_at', [ticketId]);
    expect(roots).toEqual(ids.map((id) => ({ id, root_job_id: first.id })));

    // What the runs panel reads, as a member sees it, grouped as the panel groups it.
    const jobs = await settled(teammate.zero.materialize(queries.teams.ticketJobs({ orgID: owner.orgID, ticketID: ticketId })), (rows) => rows.length === 3);
    const groups = groupRuns(jobs);
    expect(groups.map((g) => [g.root.id, g.followUps.map((f) => f.id)])).toEqual([[first.id, [ids[2], ids[1]]]]);
  });

  it('a ticket’s first run is a root run of its own', async () => {
    const ticketId = await startTicket(owner, idle, 'Only once');
    const job = await jobIn(ticketId, ['ready'], 30_000);
    const [row] = await db<{ root_job_id: string }>('SELECT root_job_id FROM job WHERE id = $1', [job.id]);
    expect(row.root_job_id).toBe(job.id);
  });
});

describe('figures of a scripted run', () => {
  it('the scripted usage reaches Active Runners while the job runs, then the runs panel and the Jobs tab, as the same totals', async () => {
    runner = await startTestRunner(owner, worked.key);
    if (!runner) throw new Error('no Docker engine for the demo runner');
    await useTeam(worked, 'Figures Workers', ['demo'], [
      [codingStage('implement', { name: 'Implement [scenario:edit-and-test]' })],
      [codingStage('wait', { name: 'Wait [scenario:slow]', allowedTools: ['Bash'] })],
    ]);
    const ticketId = await startTicket(owner, worked, 'Count my tokens');
    const running = await jobIn(ticketId, ['running']);

    // The first stage ended (all its usage is in), the second sleeps: the job stays active.
    const sum = (k: 'input' | 'output' | 'cacheRead' | 'cacheWrite') => editAndTestUsage.reduce((n, u) => n + (u[k] ?? 0), 0);
    const activeJob = <J extends { id: string }>(runners: readonly { jobs: readonly J[] }[]) => runners.flatMap((r) => r.jobs).find((j) => j.id === running.id);
    const active = await settled(
      teammate.zero.materialize(queries.runners.active({ orgID: owner.orgID })),
      // Usage arrives turn by turn; the stage's result (its turns) comes after its last turn's usage.
      (runners) => jobUsageTotals(activeJob(runners)?.usage).turns > 0,
      240_000,
    );
    const [implementResult] = await eventsOf(running.id, 'result');
    const whileRunning = jobUsageTotals(activeJob(active)!.usage);
    expect(whileRunning).toMatchObject({
      inputTokens: sum('input'),
      outputTokens: sum('output'),
      cacheReadTokens: sum('cacheRead'),
      cacheWriteTokens: sum('cacheWrite'),
      turns: implementResult.numTurns,
    });
    expect(whileRunning.turns).toBeGreaterThan(0);
    expectSameTotals(whileRunning, await totalsFromEvents(running.id));
    // Sonnet 4.6: the cache reads saved more than the writes cost.
    expect(whileRunning.saving.netUsd).toBeGreaterThan(0);
    expect(whileRunning.costUsd).toBeGreaterThan(0);
    expect(active.find((r) => r.jobs.some((j) => j.id === running.id))!.name).toBe('demo-runner');

    // Cancelled while the second stage sleeps: the job ends, its totals stay whole.
    await whenMemberSees(owner, running.id, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.cancel({ id: running.id })))).toBeNull();
    await jobIn(ticketId, ['failed'], 60_000);
    const expected = await totalsFromEvents(running.id);
    expect(expected.inputTokens).toBeGreaterThanOrEqual(sum('input'));

    const panel = await settled(teammate.zero.materialize(queries.teams.ticketJobs({ orgID: owner.orgID, ticketID: ticketId })), (rows) =>
      rows.some((r) => r.id === running.id && r.status === 'failed' && jobUsageTotals(r.usage).inputTokens === expected.inputTokens),
    );
    expectSameTotals(jobUsageTotals(panel.find((r) => r.id === running.id)!.usage), expected);
    const jobsTab = await settled(teammate.zero.materialize(queries.runners.jobs({ orgID: owner.orgID })), (rows) => rows.some((r) => r.id === running.id && r.status === 'failed'));
    expectSameTotals(jobUsageTotals(jobsTab.find((r) => r.id === running.id)!.usage), expected);
    const afterwards = await settled(teammate.zero.materialize(queries.runners.active({ orgID: owner.orgID })), (runners) => runners.length > 0 && !activeJob(runners));
    expect(afterwards.map((r) => r.name)).toContain('demo-runner');
  }, 420_000);

  it('a member reads runners and jobs, but no runner token, and cannot delete a runner', async () => {
    const tokens = await settled(owner.zero.materialize(queries.runners.tokens({ orgID: owner.orgID })), (rows) => rows.length > 0);
    expect(tokens.length).toBeGreaterThan(0);
    const memberTokens = teammate.zero.materialize(queries.runners.tokens({ orgID: owner.orgID }));
    try {
      // Runners are there for the member; tokens never are (the server's query transform).
      const runners = await settled(teammate.zero.materialize(queries.runners.list({ orgID: owner.orgID })), (rows) => rows.length > 0);
      await teammate.zero.preload(queries.runners.tokens({ orgID: owner.orgID })).complete;
      expect(memberTokens.data).toEqual([]);
      const refused = await serverVerdict(teammate.zero.mutate(mutators.runner.delete({ id: runners[0]!.id })));
      expect(refused).toMatch(/Only administrators/);
    } finally {
      memberTokens.destroy();
    }
  });
});
