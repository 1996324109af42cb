// Checkpoints and "Retry from <stage>", with real parts: the board (Zero mutators as a
// member) → a two-stage job on the real supervisor (Docker, Claude Code, scripted model) →
// a checkpoint after the first stage, pushed to the test kit's git remote and recorded on
// the job → the last stage fails → a retry from that stage runs only it and opens the pull
// request with both stages' work. And the runner API's checkpoint endpoint refusing what it must.
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { presets } from '../lib/teams/presets.ts';
import { git, repositoryPath } from '../test-kit/git-remote/repositories.ts';
import { text, toolUse, type Scenario } from '../test-kit/model-server/scenario.ts';
import { brokenScript, builtInScenarios, workingScript } from '../test-kit/model-server/scenarios.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { codingStage, eventsOf, jobIn, startTestRunner, startTicket, whenMemberSees, type TestRunner } from './support/jobs.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

let owner: Member;
let stranger: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;
let runnerOrg: RunnerOrg;

const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const repository = 'demo/spedy-demo';

/** The last stage writes a broken script (its validation fails) until the test fixes it. */
let lastStageBroken = true;
const scenarios: Record<string, Scenario> = {
  'first-stage': { description: 'edit-and-test under its own name, to count its requests', turns: builtInScenarios['edit-and-test']!.turns },
  'last-stage': {
    description: 'Writes hello.js: broken while lastStageBroken, working after',
    turns: [
      (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory ?? '/workspace'}/hello.js`, content: lastStageBroken ? brokenScript : workingScript })] }),
      { content: [text('I wrote hello.js.')] },
    ],
  },
};

async function remote(args: string[]): Promise<string> {
  return (await git(args, repositoryPath(runner!.git.root, repository))).trim();
}

async function checkpointRefs(): Promise<string[]> {
  return (await remote(['for-each-ref', '--format=%(refname)', 'refs/spedy/'])).split('\n').filter(Boolean);
}

async function jobRow(id: string) {
  const [row] = await db<{ status: string; root_job_id: string; checkpoint: JobCheckpoint | null }>('SELECT status, root_job_id, checkpoint FROM job WHERE id = $1', [id]);
  return row;
}

async function useTwoStageTeam(): Promise<void> {
  const id = nanoid();
  const fields = { description: 'Checkpoint tests', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: ['demo'] };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name: 'Two Steppers', handle: 'two-steppers', ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [
    { id: 'step-first', stages: [codingStage('first', { name: 'First [scenario:first-stage] [file:first.js]' })] },
    { id: 'step-last', stages: [codingStage('last', { name: 'Last [scenario:last-stage]', validationCommands: ['node hello.js'], maxRetries: 0 })] },
  ];
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}

beforeAll(async () => {
  [owner, stranger, runnerOrg] = await Promise.all([newMember('Checkpoint Keeper'), newMember('Checkpoint Stranger'), newRunnerOrg('Checkpoint Runner Owner')]);
  project = await createProject(owner, 'CKP');
  await owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete;
  runner = await startTestRunner(owner, 'CKP', { scenarios });
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
  await stranger?.zero.close();
  await runnerOrg?.closeDb();
});

describe('checkpoints and Retry from <stage>', () => {
  it('saves a checkpoint after the first stage; retried from the failed last stage, only that stage runs and the pull request has both stages’ work', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    await useTwoStageTeam();
    const ticketId = await startTicket(owner, project, 'Greet in two steps');

    const failed = await jobIn(ticketId, ['failed']);
    expect(failed.status_reason).toContain('Validation command "node hello.js" still fails');
    // The checkpoint after the first stage: on the job, and its commit on the repository's hidden ref with the first stage's file.
    const saved = (await jobRow(failed.id))!.checkpoint!;
    expect(saved.stages).toEqual([expect.objectContaining({ key: '1-first', stageId: 'first', output: expect.stringContaining('Added first.js') })]);
    expect(saved.repositories).toEqual([{ fullName: repository, ref: `refs/spedy/checkpoints/${failed.id}`, commit: expect.stringMatching(/^[0-9a-f]{40}$/) }]);
    expect(await remote(['rev-parse', `refs/spedy/checkpoints/${failed.id}`])).toBe(saved.repositories[0]!.commit);
    expect(await remote(['cat-file', 'blob', `${saved.repositories[0]!.commit}:first.js`])).toContain('Hello from Spedy');
    expect((await eventsOf(failed.id, 'notice')).map((n) => n.message)).toContain('Checkpoint saved after "First [scenario:first-stage] [file:first.js]".');
    const firstStageRequests = runner!.model.requests().filter((request) => request.scenario === 'first-stage').length;
    expect(firstStageRequests).toBeGreaterThan(0);

    // Someone of another organization cannot retry it; nothing is written.
    await whenMemberSees(owner, failed.id, 'failed');
    expect(await serverVerdict(stranger.zero.mutate(mutators.job.retry({ id: failed.id, newID: nanoid(), fromCheckpoint: true })))).toMatch(/Job not found/);
    expect((await db('SELECT id FROM job WHERE ticket_id = $1', [ticketId])).length).toBe(1);

    lastStageBroken = false;
    const retryId = nanoid();
    expect(await serverVerdict(owner.zero.mutate(mutators.job.retry({ id: failed.id, newID: retryId, fromCheckpoint: true })))).toBeNull();
    const job = await jobIn(ticketId, ['completed']);
    expect(job.id).toBe(retryId);
    expect((await jobRow(retryId))!.root_job_id).toBe(failed.id);

    // Only the last stage ran: the first stage's agent was not asked again.
    expect(runner!.model.requests().filter((request) => request.scenario === 'first-stage').length).toBe(firstStageRequests);
    const stages = (await eventsOf(retryId, 'stage')).map((event) => [event.stage, event.phase]);
    expect(stages.filter(([, phase]) => phase === 'started' || phase === 'resumed')).toEqual([['last', 'started']]);
    // The first stage shows as done on the job page, from the checkpoint.
    expect(stages[0]).toEqual(['first', 'completed']);
    expect((await eventsOf(retryId, 'notice')).map((n) => n.message)).toContain('Resumed from the checkpoint after "First [scenario:first-stage] [file:first.js]".');

    // One commit on the base with both stages' work; the checkpoint lists both stages; its refs are gone.
    const [pr] = job.result?.pullRequests ?? [];
    expect(await runner!.git.readFile(repository, pr!.branch, 'first.js')).toContain('Hello from Spedy');
    expect(await runner!.git.readFile(repository, pr!.branch, 'hello.js')).toBe(workingScript);
    expect(await remote(['rev-list', '--count', `refs/heads/main..refs/heads/${pr!.branch}`])).toBe('1');
    expect(runner!.provider.pullRequests.list().some((p) => p.head === pr!.branch && p.base === 'main')).toBe(true);
    expect((await jobRow(retryId))!.checkpoint!.stages.map((stage) => stage.key)).toEqual(['1-first', '2-last']);
    expect(await checkpointRefs()).toEqual([]);

    // A completed job has nothing to retry from.
    await whenMemberSees(owner, retryId, 'completed');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.retry({ id: retryId, newID: nanoid(), fromCheckpoint: true })))).toMatch(/Only a Failed or Error job can be retried/);
  }, 420_000);

  it('refuses Retry from a stage for a failed job without a checkpoint, writing nothing', async () => {
    const [jobId] = await createReadyJobs(runnerOrg.db, runnerOrg.account.orgID);
    await db("UPDATE job SET status = 'failed', finished_at = $2 WHERE id = $1", [jobId, Date.now()]);
    const member = await newMember('Checkpointless');
    try {
      // The runner org's owner retries through the server mutator with the same checks.
      const { retryJob } = await import('../lib/jobs/retry.ts');
      await expect(runnerOrg.db.transaction((tx) => retryJob(tx, { organizationId: runnerOrg.account.orgID, jobId: jobId!, fromCheckpoint: true, userId: null }))).rejects.toThrow(
        'This job has no checkpoint with stages left to run; retry the whole job instead.',
      );
      expect((await db('SELECT id FROM job WHERE root_job_id = $1', [jobId])).length).toBe(1);
      // From another organization the job does not exist.
      await expect(runnerOrg.db.transaction((tx) => retryJob(tx, { organizationId: member.orgID, jobId: jobId!, fromCheckpoint: false, userId: null }))).rejects.toThrow('Job not found.');
      // The whole job can be retried: a follow-up under the same root, Ready, without a checkpoint.
      const retried = await runnerOrg.db.transaction((tx) => retryJob(tx, { organizationId: runnerOrg.account.orgID, jobId: jobId!, fromCheckpoint: false, userId: null }));
      expect(await jobRow(retried!.id)).toMatchObject({ status: 'ready', root_job_id: jobId, checkpoint: null });
    } finally {
      await member.zero.close();
    }
  });
});

describe('POST /api/v1/runners/jobs/:id/checkpoint', () => {
  const checkpointOf = (): JobCheckpoint => ({ stages: [{ key: '1-code', stageId: 'code', output: 'Planned.' }], repositories: [], savedAt: Date.now() });

  it('stores the checkpoint of the runner holding the job, which the next claim carries; refuses a bad body and another runner, changing nothing', async () => {
    const { api } = runnerOrg;
    const [holder, other] = [await registerRunner(api), await registerRunner(api)];
    const [jobId] = await createReadyJobs(runnerOrg.db, runnerOrg.account.orgID);
    expect((await api.post('jobs/claim', { runnerId: holder, jobId })).body.job).toMatchObject({ id: jobId, checkpoint: null });

    const bad = await api.post(`jobs/${jobId}/checkpoint`, { runnerId: holder, checkpoint: { stages: [], repositories: [{ fullName: 'acme/app', ref: 'refs/heads/main', commit: 'abc' }], savedAt: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/checkpoint\.stages/);
    const foreignRef = await api.post(`jobs/${jobId}/checkpoint`, {
      runnerId: holder,
      checkpoint: { ...checkpointOf(), repositories: [{ fullName: 'acme/app', ref: `refs/spedy/checkpoints/${jobId}`, commit: 'a'.repeat(40) }] },
    });
    expect(foreignRef.status).toBe(400);
    expect(foreignRef.body.error).toBe('acme/app is not a repository of this job.');
    const stolen = await api.post(`jobs/${jobId}/checkpoint`, { runnerId: other, checkpoint: checkpointOf() });
    expect(stolen.status).toBe(403);
    expect((await jobRow(jobId!))!.checkpoint).toBeNull();

    const checkpoint = checkpointOf();
    const stored = await api.post(`jobs/${jobId}/checkpoint`, { runnerId: holder, checkpoint });
    expect(stored).toMatchObject({ status: 200, body: { savedAt: checkpoint.savedAt } });
    expect((await jobRow(jobId!))!.checkpoint).toEqual(checkpoint);

    // Handed back, the job's next claim carries it.
    expect((await api.post(`jobs/${jobId}/status`, { runnerId: holder, status: 'ready' })).status).toBe(200);
    expect((await api.post('jobs/claim', { runnerId: other, jobId })).body.job).toMatchObject({ id: jobId, checkpoint });

    // Once the job is over, its checkpoint no longer changes.
    expect((await api.post(`jobs/${jobId}/status`, { runnerId: other, status: 'failed', reason: 'Broke.' })).status).toBe(200);
    const late = await api.post(`jobs/${jobId}/checkpoint`, { runnerId: other, checkpoint: { ...checkpoint, savedAt: checkpoint.savedAt + 1 } });
    expect(late.status).toBe(409);
    expect((await jobRow(jobId!))!.checkpoint).toEqual(checkpoint);
  });
});
