import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { askUserQuestion } from '../../test-kit/model-server/scenarios.ts';
import { ContainerLabel } from '../container/stage-container.ts';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { poll } from '../../test/support/poll.ts';

// A job that waits for a person (approval, a question) or is stopped, and carries on in
// the same agent session.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'pause-resume' });
});

afterAll(async () => {
  await kit?.stop();
});

describe('runJob pauses and resumes', () => {
  it('waits for approval of the plan, then carries on in the planner’s session', async () => {
    const plan = stageSnapshot({ id: 'plan', name: 'Plan [scenario:plan-then-build]', type: 'planning', role: 'planner', allowedTools: ['Read', 'Grep', 'Glob'] });
    const build = stageSnapshot({ id: 'build', name: 'Build', requireApproval: true });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'approve', steps: [[plan], [build]] });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input');
    expect(ctx.eventsOf('plan')).toEqual([{ stage: 'build', plan: expect.stringContaining('1. Add hello.js printing a greeting.'), fromStages: ['plan'] }]);
    ctx.control({ action: 'approve', text: 'Looks good, keep it short.' });
    await running;

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'executing', 'waiting_for_input', 'executing', 'running', 'syncing', 'completed']);
    const [planned, built] = ctx.eventsOf('session');
    expect(built).toMatchObject({ stage: 'build', resumed: true, sessionId: planned!.sessionId });
    const branch = String(ctx.eventsOf('pull_request')[0]?.branch);
    expect(await kit.remote.readFile(fullName, branch, 'hello.js')).toContain('Hello from Spedy');
    const resumed = kit.model.requests().filter((request) => request.scenario === 'plan-then-build' && request.turn === 1)[0];
    expect(JSON.stringify(resumed?.messages)).toContain('Looks good, keep it short.');
  });

  it('waits for the answer to the agent’s question and resumes the same session with it', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:ask-question]' });
    const { ctx, deps } = await kit.newJob({ name: 'question', steps: [[implement]] });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input');
    expect(ctx.eventsOf('question')).toEqual([{ stage: 'implement', question: askUserQuestion }]);
    ctx.control({ action: 'input', text: 'Welcome' });
    await running;

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'waiting_for_input', 'executing', 'running', 'syncing', 'completed']);
    const [asked, answered] = ctx.eventsOf('session');
    expect(answered).toMatchObject({ resumed: true, sessionId: asked!.sessionId });
    expect(ctx.eventsOf('result').at(-1)).toMatchObject({ isError: false, text: expect.stringContaining('You answered: "Welcome"') });
  });

  it('Stop ends the container within seconds; Continue resumes the session and finishes', async () => {
    const wait = stageSnapshot({ id: 'wait', name: 'Wait [scenario:slow]', allowedTools: ['Bash'] });
    const { ctx, deps } = await kit.newJob({ name: 'stop', steps: [[wait]] });

    const running = runToEnd(ctx, deps);
    await ctx.until('the agent running sleep', () => ctx.eventsOf('tool_call').some((call) => call.name === 'Bash'));
    const stoppedAt = performance.now();
    ctx.control({ action: 'stop' });
    await ctx.untilStatus('stopped', 10_000);
    // Poll the engine: the stage's container is gone (removed, not merely exited) within the 10 s Stop allows.
    await poll('the stopped stage container to be removed', async () => (await kit.containersOf(ctx.job.id)).length === 0, 10_000, 100);
    console.log(`[runner] Stop → container gone in ${(performance.now() - stoppedAt).toFixed(0)} ms`);

    ctx.control({ action: 'continue' });
    await running;

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'stopped', 'executing', 'running', 'syncing', 'completed']);
    const [first, again] = ctx.eventsOf('session');
    expect(again).toMatchObject({ resumed: true, sessionId: first!.sessionId });
    // The proxy counted each answered model request once, across the Stop and the resumed run.
    const answered = kit.model.requests().filter((request) => request.scenario === 'slow' && request.status === 200);
    expect(ctx.eventsOf('usage').filter((usage) => usage.stage === 'wait')).toHaveLength(answered.length);
    expect(ctx.eventsOf('result').at(-1)).toMatchObject({ isError: false, text: 'Done waiting.' });
    const filter = { label: [`${ContainerLabel.job}=${ctx.job.id}`] };
    expect(await kit.docker.listContainers({ all: true, filters: filter })).toEqual([]);
  });
});
