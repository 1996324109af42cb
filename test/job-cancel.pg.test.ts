// No dead ends for a job: Cancel for every job that is not over, Continue for one stopped
// before any runner claimed it, a ticket moved into its working status again when its job
// was stopped unclaimed, and a running job cancelled through its runner (the demo runner:
// the real supervisor, Docker and Claude Code against the scripted model). The demo runner
// is started twice on one data folder first, as two `npm start`s would: its token rotates.
import Docker from 'dockerode';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageConfig } from '../lib/teams/pipeline.ts';
import { presets } from '../lib/teams/presets.ts';
import { rankBetween } from '../lib/tickets/rank.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { codingStage, containersOf, eventsOf, jobIn, latestJob, poll, startTestRunner, startTicket, ticketState, whenMemberSees, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

type Project = Awaited<ReturnType<typeof createProject>>;

let owner: Member;
/** Its team needs a label no runner has: its jobs stay unclaimed. */
let idle: Project;
/** Worked by the demo runner. */
let worked: Project;
let runner: TestRunner | null = null;

const ownerName = 'Cancel Keeper';
const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const jobRow = async (id: string) =>
  (await db<{ status: string; status_reason: string | null; runner_id: string | null }>('SELECT status, status_reason, runner_id FROM job WHERE id = $1', [id]))[0];

async function useTeam(project: Project, name: string, requiredLabels: string[], stages: StageConfig[]): Promise<void> {
  const id = nanoid();
  const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const fields = { description: 'Cancel tests', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name, handle, ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [{ id: 'step-only', stages }];
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}

const whenClientSees = (jobId: string, status: string) => whenMemberSees(owner, jobId, status);

async function moveTicket(project: Project, ticketId: string, statusName: string) {
  const status = project.statuses.find((s) => s.name === statusName)!;
  expect(await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: status.id, rank: rankBetween(null, null) })))).toBeNull();
}

beforeAll(async () => {
  owner = await newMember(ownerName);
  idle = await createProject(owner, 'CNI');
  worked = await createProject(owner, 'CNW');
  await owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete;
  await useTeam(idle, 'Nobody Home', ['no-runner-has-this'], [codingStage('work', { name: 'Work' })]);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('jobs no runner claimed', () => {
  it('a job stopped before any runner claimed it is continued: Ready again', async () => {
    const ticketId = await startTicket(owner, idle, 'Stop me before anyone starts');
    const job = await jobIn(ticketId, ['ready'], 30_000);
    await whenClientSees(job.id, 'ready');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: job.id })))).toBeNull();
    expect(await jobRow(job.id)).toMatchObject({ status: 'stopped', runner_id: null });

    await whenClientSees(job.id, 'stopped');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id: job.id, action: 'continue' })))).toBeNull();
    expect(await jobRow(job.id)).toMatchObject({ status: 'ready', status_reason: null, runner_id: null });
  });

  it('another is cancelled: it fails at once with the person’s name, the ticket gets the failure status and the badge, and moving it back starts a new job', async () => {
    const ticketId = await startTicket(owner, idle, 'Cancel me');
    const job = await jobIn(ticketId, ['ready'], 30_000);
    await whenClientSees(job.id, 'ready');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.cancel({ id: job.id })))).toBeNull();
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', status_reason: `Cancelled by ${ownerName}.` });
    expect(await ticketState(ticketId)).toEqual({ status: 'Todo', ai_failed: true });

    await whenClientSees(job.id, 'failed');
    const again = await serverVerdict(owner.zero.mutate(mutators.job.cancel({ id: job.id })));
    expect(again).toMatch(/already Failed/);

    await moveTicket(idle, ticketId, 'AI Processing');
    const next = await latestJob(ticketId);
    expect(next).toMatchObject({ status: 'ready' });
    expect(next!.id).not.toBe(job.id);
    expect(await ticketState(ticketId)).toEqual({ status: 'AI Processing', ai_failed: false });
  });

  it('a ticket moved into the working status again while its job is stopped unclaimed: that job is cancelled and a new one starts, in the same move', async () => {
    const ticketId = await startTicket(owner, idle, 'Stop me, then move me back');
    const job = await jobIn(ticketId, ['ready'], 30_000);
    await whenClientSees(job.id, 'ready');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: job.id })))).toBeNull();

    await moveTicket(idle, ticketId, 'Backlog');
    await moveTicket(idle, ticketId, 'AI Processing');
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', status_reason: `Cancelled by ${ownerName}: the ticket was moved into AI Processing again.` });
    const next = await latestJob(ticketId);
    expect(next).toMatchObject({ status: 'ready' });
    expect(next!.id).not.toBe(job.id);
    // The old job's failure did not move the ticket to the failure status nor badge it.
    expect(await ticketState(ticketId)).toEqual({ status: 'AI Processing', ai_failed: false });
  });
});

describe('jobs a runner holds', () => {
  it('the demo starts twice on one data folder: its second token takes over the runner, the first is revoked', async () => {
    const first = await startTestRunner(owner, worked.key);
    if (!first) throw new Error('no Docker engine for the demo runner');
    runner = first;
    const registered = async () => {
      const [row] = await db<{ id: string; token_id: string; status: string }>(
        "SELECT id, token_id, status FROM runner WHERE organization_id = $1 AND name = 'demo-runner'",
        [owner.orgID],
      );
      return row;
    };
    const before = await poll('the first demo runner to register', registered, 60_000);
    await first.stop();
    runner = null;

    runner = await startTestRunner(owner, worked.key);
    if (!runner) throw new Error('the demo runner did not start a second time');
    const after = await poll('the second demo runner to register with its new token', async () => {
      const row = await registered();
      return row && row.token_id !== before.token_id && row.status === 'online' ? row : undefined;
    }, 60_000);
    expect(after.id).toBe(before.id);
    const [old] = await db<{ revoked_at: number | null }>('SELECT revoked_at FROM runner_token WHERE id = $1', [before.token_id]);
    expect(old.revoked_at).not.toBeNull();
  }, 240_000);

  it('a running job is cancelled through its runner: the container goes, the job fails with the person’s name, the ticket gets the failure status and the badge', async () => {
    if (!runner) throw new Error('the demo runner is not running');
    await useTeam(worked, 'Slow Cancellers', ['demo'], [codingStage('wait', { name: 'Wait [scenario:slow]', allowedTools: ['Bash'] })]);
    const ticketId = await startTicket(owner, worked, 'Cancel me while I work');
    const running = await jobIn(ticketId, ['running']);
    await poll('the agent running sleep', async () => ((await eventsOf(running.id, 'tool_call')).some((call) => call.name === 'Bash') ? true : undefined), 60_000);
    const docker = new Docker({ socketPath: runner.dockerSocket });
    expect((await containersOf(docker, running.id)).length).toBeGreaterThan(0);

    await whenClientSees(running.id, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.cancel({ id: running.id })))).toBeNull();
    const failed = await jobIn(ticketId, ['failed'], 60_000);
    expect(failed).toMatchObject({ id: running.id, status_reason: `Cancelled by ${ownerName}.` });
    expect(await containersOf(docker, running.id)).toEqual([]);
    expect(await ticketState(ticketId)).toEqual({ status: 'Todo', ai_failed: true });
    expect(await eventsOf(running.id, 'pull_request')).toEqual([]);
  }, 300_000);
});
