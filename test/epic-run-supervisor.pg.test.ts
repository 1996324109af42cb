// A whole Epic through the real supervisor (the demo runner: Docker, the Claude Code CLI, the
// scripted model, the test kit's git remote and provider API): six tickets, four of them a
// diamond (A before B and C, both before D) and a chain of two (E before F). The orchestrator
// resets the epic branch, releases each ticket when its dependencies completed, every sub-run
// lands one commit on the one branch, and the closing job opens the one pull request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../lib/db/client.ts';
import { presets } from '../lib/teams/presets.ts';
import { mutators } from '../zero/mutators.ts';
import { git, repositoryPath } from '../test-kit/git-remote/repositories.ts';
import { sql } from './support/db.ts';
import { addBlock, addTicket, nodesOf, runOf, steer, ticketStatus, type EpicBoard } from './support/epics.ts';
import { createProject, newMember, serverVerdict, waitForTeam, type Member } from './support/fixtures.ts';
import { codingStage, poll, startTestRunner, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';

const url = () => testStack().databaseUrl;
const repository = 'demo/spedy-demo';

let owner: Member;
let board: EpicBoard;
let teamId: string;
let runner: TestRunner | null = null;
let closeDb: (() => Promise<void>) | undefined;

beforeAll(async () => {
  owner = await newMember('Epic Supervisor Owner');
  const project = await createProject(owner, 'EPS');
  runner = await startTestRunner(owner, 'EPS');
  const [config] = await sql<{ team_id: string }>(url(), 'SELECT team_id FROM project_runner_config WHERE project_id = $1', [project.id]);
  teamId = config!.team_id;
  // One stage per ticket (the scripted model writes the ticket's [file:…] and runs it): the run's order is what is tested here.
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [{ id: 'step-only', stages: [codingStage('work', { name: 'Work', validationCommands: [] })] }];
  await waitForTeam(owner, teamId);
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: teamId, pipeline })))).toBeNull();
  const connection: { db: Db; close: () => Promise<void> } = connectDb(url());
  closeDb = connection.close;
  board = { owner, db: connection.db, project };
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
  await closeDb?.();
});

type EpicJobRow = { id: string; ticket_id: string | null; role: string; status: string; created_at: number; finished_at: number | null; result: { epicBranch?: { commit: string }[] } | null };

async function jobsOfRun(epicId: string): Promise<EpicJobRow[]> {
  return sql<EpicJobRow>(
    url(),
    `SELECT j.id, j.ticket_id, s.snapshot->'epic'->>'role' AS role, j.status, j.created_at::float8 AS created_at, j.finished_at::float8 AS finished_at, j.result
     FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE s.snapshot->'epic'->>'epicTicketId' = $1 ORDER BY j.created_at`,
    [epicId],
  );
}

describe('an Epic through the real supervisor', () => {
  it('runs its tickets in dependency order on one branch, one commit each, and opens one pull request', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const epic = await addTicket(board, 'Greetings everywhere', 'epic', null);
    const tickets: Record<string, string> = {};
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) tickets[name] = await addTicket(board, `Greet from ${name} [file:${name}.js]`, 'task', epic);
    const dependencies = [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd'], ['e', 'f']] as const;
    for (const [blocker, blocked] of dependencies) await addBlock(board, tickets[blocker]!, tickets[blocked]!);

    expect(await steer(board, mutators.epicRun.setTeam({ ticketID: epic, teamID: teamId }))).toBeNull();
    const run = await poll(
      'the epic run to end',
      async () => {
        const current = await runOf(epic);
        if (current && ['paused', 'failed', 'cancelled'].includes(current.status)) throw new Error(`the run is ${current.status}: ${current.status_reason}`);
        return current?.status === 'completed' && current;
      },
      540_000,
      500,
    );

    const branch = run.branch;
    expect(branch).toBe('epic/EPS-1');
    expect(Object.values(await nodesOf(run.id)).map((node) => node.status)).toEqual(Array(6).fill('completed'));
    const jobs = await jobsOfRun(epic);
    const subRuns = jobs.filter((job) => job.role === 'sub-run');
    // Each ticket ran once; every job of the run completed.
    expect(subRuns.map((job) => job.ticket_id).sort()).toEqual(Object.values(tickets).sort());
    expect(jobs.map((job) => [job.role, job.status])).toEqual([['reset', 'completed'], ...subRuns.map(() => ['sub-run', 'completed']), ['closing', 'completed']]);
    // The order: the reset first, each ticket after its dependencies completed, the closing job last.
    const jobOf = (name: string) => subRuns.find((job) => job.ticket_id === tickets[name])!;
    const [reset, closing] = [jobs[0]!, jobs.at(-1)!];
    for (const job of subRuns) expect(job.created_at).toBeGreaterThanOrEqual(reset.finished_at!);
    for (const [blocker, blocked] of dependencies) expect(jobOf(blocked).created_at).toBeGreaterThanOrEqual(jobOf(blocker).finished_at!);
    for (const job of subRuns) expect(closing.created_at).toBeGreaterThanOrEqual(job.finished_at!);

    // One branch holds every sub-run's commit, in an order the dependencies allow, and each ticket's file.
    const onRemote = async (...args: string[]) => (await git(args, repositoryPath(runner!.git.root, repository))).trim();
    const subjects = (await onRemote('log', '--reverse', '--format=%s', `main..${branch}`)).split('\n');
    expect(subjects).toHaveLength(6);
    const position = (name: string) => subjects.findIndex((subject) => subject.endsWith(`Greet from ${name} [file:${name}.js]`));
    for (const name of Object.keys(tickets)) expect(position(name), name).toBeGreaterThanOrEqual(0);
    for (const [blocker, blocked] of dependencies) expect(position(blocker)).toBeLessThan(position(blocked));
    expect(await onRemote('rev-list', '--merges', `main..${branch}`)).toBe('');
    for (const name of Object.keys(tickets)) expect(await runner!.git.readFile(repository, branch, `${name}.js`), name).toBeTruthy();
    const history = (await onRemote('rev-list', `main..${branch}`)).split('\n');
    for (const job of subRuns) expect(history).toContain(job.result?.epicBranch?.[0]?.commit);

    // One pull request, from the branch to the base, stored on the run; the Epic moved.
    const opened = runner!.provider.pullRequests.list({ repository }).filter((pr) => pr.head === branch);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ base: 'main', title: 'EPS-1: Greetings everywhere' });
    expect(run.pull_requests).toEqual([expect.objectContaining({ repository, number: opened[0]!.number, branch })]);
    expect(await ticketStatus(epic)).toBe('In Review');
  }, 600_000);
});
