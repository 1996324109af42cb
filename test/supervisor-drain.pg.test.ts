// Upgrading a runner without losing work, with the real supervisor (a process, Docker, the
// Claude Code CLI against the scripted model): a two-stage job is in its second stage when the
// supervisor gets SIGTERM (what `docker compose up -d` after a rebuild sends the old container).
// It drains: the stage container is stopped, the job is handed back (Ready, no runner) with a
// notice in its feed, and the supervisor exits by itself. Then the restarted supervisor, or a
// second runner with the same labels while the first stays down, claims it and completes it to
// a pull request.
//
// The supervisor runs as a process here, not through docker-compose: building the supervisor's
// image for every upgrade takes minutes (test/supervisor-compose.pg.test.ts covers that image).
import fs from 'node:fs';
import Docker from 'dockerode';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handedBackNotice, handedBackReason } from '@spedy/protocol/hand-back';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { agentSleeping, containersOf, eventsOf, jobIn, latestJob, poll, startTestRunner, startTicket, whenMemberSees, type JobRow, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { draftRuns, twoStageJob, twoStagePipeline } from './support/two-stage-job.ts';
import { waitForData } from './support/zero-client.ts';

const repository = 'demo/spedy-demo';

const twoStage = twoStageJob();

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;
let docker: Docker;

const draftRunsSoFar = () => draftRuns(runner!.model);

/** A team whose pipeline is the two stages above, working this project's tickets. */
async function useTwoStageTeam(): Promise<void> {
  const id = nanoid();
  const name = `Drainers ${id}`;
  const fields = { description: 'Drain tests', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: ['demo'] };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name, handle: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = twoStagePipeline();
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}

/** A new ticket's job, once its second stage's agent is held in its container (the first stage done). */
async function jobInSecondStage(title: string): Promise<{ ticketId: string; job: JobRow }> {
  twoStage.hold.second = true;
  const ticketId = await startTicket(owner, project, title);
  const job = await poll(
    'the second stage’s agent to wait in its container',
    async () => {
      const row = await latestJob(ticketId);
      return row?.status === 'running' && (await agentSleeping(docker, row.id)) && row;
    },
    300_000,
  );
  const stages = await eventsOf(job.id, 'stage');
  expect(stages.filter((stage) => stage.phase === 'completed').map((stage) => stage.stage)).toEqual(['draft']);
  return { ticketId, job };
}

/** SIGTERM to the supervisor: it drains, hands the job back and exits by itself. */
async function upgradeStarts(job: JobRow): Promise<void> {
  // The job goes on without the hold once it is claimed again.
  twoStage.hold.second = false;
  const exit = await runner!.terminateSupervisor();
  expect(exit).toEqual({ code: 0, signal: null });
  // It finished its drain: the process was not ended by the drain timeout.
  const log = fs.readFileSync(runner!.supervisorLog, 'utf8');
  expect(log).toContain('supervisor stopped');
  expect(log).not.toContain('the drain timeout passed');

  const [row] = await sql<{ status: string; status_reason: string | null; runner_id: string | null }>(testStack().databaseUrl, 'SELECT status, status_reason, runner_id FROM job WHERE id = $1', [job.id]);
  expect(row).toEqual({ status: 'ready', status_reason: handedBackReason('demo-runner'), runner_id: null });
  // Its stage container was stopped and removed; the feed says what happened; the job page shows it Ready.
  expect(await containersOf(docker, job.id)).toEqual([]);
  expect((await eventsOf(job.id, 'notice')).map((notice) => notice.message)).toContain(handedBackNotice);
  expect((await eventsOf(job.id, 'stage')).filter((stage) => stage.stage === 'finish').map((stage) => stage.phase)).toEqual(['started', 'stopped']);
  await whenMemberSees(owner, job.id, 'ready');
}

/** The job completed with a pull request holding both stages' work, by `runnerName`. */
async function completedWithPullRequest(ticketId: string, runnerName: string): Promise<void> {
  const done = await jobIn(ticketId, ['completed'], 300_000);
  const [pr] = done.result?.pullRequests ?? [];
  expect(pr?.repository).toBe(repository);
  expect(await runner!.git.readFile(repository, pr!.branch, 'draft.txt')).toBe('drafted\n');
  expect(await runner!.git.readFile(repository, pr!.branch, 'finish.txt')).toBe('finished\n');
  expect(runner!.provider.pullRequests.list().some((p) => p.head === pr!.branch)).toBe(true);
  const [claimedBy] = await sql<{ name: string }>(testStack().databaseUrl, 'SELECT r.name FROM job j JOIN runner r ON r.id = j.runner_id WHERE j.id = $1', [done.id]);
  expect(claimedBy?.name).toBe(runnerName);
  // Numbered on from where the first runner stopped: every event once.
  const [{ count, last }] = await sql<{ count: number; last: number }>(testStack().databaseUrl, 'SELECT count(*)::int AS count, max(seq) AS last FROM job_event WHERE job_id = $1', [done.id]);
  expect(count).toBe(last);
}

beforeAll(async () => {
  owner = await newMember('Drain Owner');
  project = await createProject(owner, 'DRN');
  await owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete;
  runner = await startTestRunner(owner, 'DRN', { scenarios: twoStage.scenarios });
  if (runner) docker = new Docker({ socketPath: runner.dockerSocket });
  await useTwoStageTeam();
}, 300_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('a runner upgraded while a job runs', () => {
  it('hands the job back in its second stage, and the restarted supervisor completes it to a pull request', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const { ticketId, job } = await jobInSecondStage('Draft and finish, across an upgrade');
    const draftRunsBefore = draftRunsSoFar();
    expect(draftRunsBefore).toBe(1);

    await upgradeStarts(job);
    runner!.restartSupervisor();
    await completedWithPullRequest(ticketId, 'demo-runner');
    // Resumed from the last finished stage, the first stage does not run again:
    expect(draftRunsSoFar()).toBe(draftRunsBefore);
  }, 600_000);

  it('hands the job back, and a second runner with the same labels completes it while the first stays down', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const { ticketId, job } = await jobInSecondStage('Draft and finish, on another runner');
    const draftRunsBefore = draftRunsSoFar();

    await upgradeStarts(job);
    runner!.startAnotherSupervisor('second-runner');
    await completedWithPullRequest(ticketId, 'second-runner');
    expect(draftRunsSoFar()).toBe(draftRunsBefore);
  }, 600_000);
});
