import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { git, repositoryPath } from '../../test-kit/git-remote/repositories.ts';
import { claimedTestJob, FakeJobContext, stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// Checkpoints through runJob with real parts (Claude Code in runner containers, the scripted
// model, git against the test kit's remote): saved after each finished step, and a job
// claimed with one resumes after it in another job folder, as on another runner.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'checkpoint' });
});

afterAll(async () => {
  await kit?.stop();
});

const plan = stageSnapshot({ id: 'plan', name: 'Plan [scenario:plan]', type: 'planning', role: 'planner', allowedTools: ['Read', 'Grep', 'Glob'] });

describe('checkpoints', () => {
  it('saves one after the plan; on another runner the approved build starts a fresh session with the plan, and the pull request is one commit', async () => {
    const failing = stageSnapshot({ id: 'build', name: 'Build [scenario:fail-validation]', validationCommands: ['node hello.js'] });
    const first = await kit.newJob({ name: 'resume', steps: [[plan], [failing]] });
    const remote = (args: string[]) => git(args, repositoryPath(kit.remote.root, first.fullName)).then((out) => out.trim());

    await runToEnd(first.ctx, first.deps);

    expect(first.ctx.statuses.at(-1)?.status).toBe('failed');
    const [saved, ...more] = first.ctx.checkpoints;
    expect(more).toEqual([]);
    const planned = first.ctx.eventsOf('session')[0]!;
    expect(saved).toMatchObject({
      stages: [{ key: '1-plan', stageId: 'plan', output: expect.stringContaining('## Plan for'), sessionId: planned.sessionId }],
      repositories: [{ fullName: first.fullName, ref: `refs/spedy/checkpoints/${first.ctx.job.id}` }],
    });
    expect(await remote(['rev-parse', `refs/spedy/checkpoints/${first.ctx.job.id}`])).toBe(saved!.repositories[0]!.commit);
    expect(first.ctx.eventsOf('notice').map((n) => n.message)).toContain('Checkpoint saved after "Plan [scenario:plan]".');
    const planRequests = kit.model.requests().filter((request) => request.scenario === 'plan').length;

    // The retry: same stages (now the build writes a working script and waits for approval), another job folder.
    const build = stageSnapshot({ id: 'build', name: 'Build [scenario:edit-and-test]', requireApproval: true, validationCommands: ['node hello.js'] });
    const job = claimedTestJob({ id: `${first.ctx.job.id}_retry`, steps: [[plan], [build]], repositories: first.ctx.job.snapshot.repositories, checkpoint: saved });
    const ctx = new FakeJobContext(job, path.join(path.dirname(first.ctx.jobDir), 'elsewhere', job.id), first.ctx.secrets);
    const running = runToEnd(ctx, first.deps);
    await ctx.untilStatus('waiting_for_input');
    expect(ctx.eventsOf('plan')).toEqual([{ stage: 'build', plan: saved!.stages[0]!.output, fromStages: ['plan'] }]);
    ctx.control({ action: 'approve' });
    await running;

    expect(ctx.statuses.at(-1)?.status).toBe('completed');
    expect(kit.model.requests().filter((request) => request.scenario === 'plan').length).toBe(planRequests);
    expect(ctx.eventsOf('notice').map((n) => n.message)).toContain('Resumed from the checkpoint after "Plan [scenario:plan]".');
    // The planner's session is on the first runner: the build starts afresh, with the plan in its prompt.
    expect(ctx.eventsOf('session')).toEqual([expect.objectContaining({ stage: 'build', resumed: false })]);
    const built = kit.model.requests().find((request) => request.scenario === 'edit-and-test' && request.turn === 0);
    expect(JSON.stringify(built?.messages)).toContain('## Plan for');

    const branch = String(ctx.eventsOf('pull_request')[0]?.branch);
    expect(await kit.remote.readFile(first.fullName, branch, 'hello.js')).toContain('Hello from Spedy');
    expect(await remote(['rev-list', '--count', `refs/heads/main..refs/heads/${branch}`])).toBe('1');
    expect(ctx.checkpoints.map((checkpoint) => checkpoint.stages.map((stage) => stage.key))).toEqual([['1-plan', '2-build']]);
    // The restored plan kept its output, not the first runner's session.
    expect(ctx.checkpoints[0]!.stages[0]).toEqual({ key: '1-plan', stageId: 'plan', output: saved!.stages[0]!.output });
    expect(await remote(['for-each-ref', 'refs/spedy/'])).toBe('');
  });
});
