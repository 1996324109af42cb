import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { askUserQuestion } from '../../test-kit/model-server/scenarios.ts';
import { poll } from '../../test/support/poll.ts';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// Limits outside the agent with limits of seconds: the scripted agent runs `sleep 600`, so
// only a limit ends it; a job waiting for an answer longer than its idle limit carries on.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'limits' });
});

afterAll(async () => {
  await kit?.stop();
});

const busy = stageSnapshot({ id: 'wait', name: 'Wait [scenario:slow]', allowedTools: ['Bash'] });

describe('limits outside the agent', () => {
  it('ends a stage at its wall-clock limit, Failed with the reason', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'wall-clock', steps: [[busy]], budget: { stageTimeLimitSeconds: 4 } });

    // The progress summary every second (30 s in production), while the agent runs its command.
    await runToEnd(ctx, { ...deps, progressIntervalMs: 1_000 });

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'Stage Wait [scenario:slow] ran for 4 s, its limit.' });
    expect(ctx.eventsOf('stage').at(-1)).toMatchObject({ stage: 'wait', phase: 'failed', reason: 'Stage Wait [scenario:slow] ran for 4 s, its limit.' });
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
    // A summary came while the stage ran (before it failed), and the last one, as it ended, counts everything.
    const types = ctx.events.map((event) => event.type);
    expect(types.indexOf('progress')).toBeLessThan(types.lastIndexOf('stage'));
    const commands = ctx.eventsOf('tool_call').filter((call) => call.name === 'Bash').length;
    expect(ctx.eventsOf('progress').at(-1)).toMatchObject({
      summary: expect.stringMatching(/^0 files touched · \d+ commands? run · validation not run yet · [\d,]+ input tokens, [\d,]+ output · \$\d+\.\d\d so far$/),
      commandsRun: commands,
    });
  });

  it('ends an agent that sends no event for its idle limit', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'idle', steps: [[busy]], budget: { idleLimitSeconds: 4 } });

    await runToEnd(ctx, deps);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'The agent of stage Wait [scenario:slow] was idle for 4 s (no agent event), its limit.' });
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });

  it('does not count time waiting for an answer toward the idle or stage limit', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:ask-question]' });
    const { ctx, deps } = await kit.newJob({ name: 'waiting', steps: [[implement]], budget: { idleLimitSeconds: 6, stageTimeLimitSeconds: 60 } });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input');
    expect(ctx.eventsOf('question')).toEqual([{ stage: 'implement', question: askUserQuestion }]);
    // Longer than the idle limit, waiting for the person (the limit is what is under test, not a pause for something else).
    const since = Date.now();
    await poll('the idle limit to pass while waiting', async () => Date.now() - since > 7_000 && ctx.statuses.at(-1)?.status === 'waiting_for_input', 20_000, 250);
    ctx.control({ action: 'input', text: 'Welcome' });
    await running;

    expect(ctx.statuses.at(-1)?.status).toBe('completed');
  });
});

describe('no progress', () => {
  const looping = (maxRetries: number) =>
    stageSnapshot({ id: 'implement', name: 'Implement [scenario:fail-validation]', validationCommands: ['node hello.js'], maxRetries });
  const reason = 'No progress: `node hello.js` failed the same way 3 times';

  it('pauses on the third identical validation failure; the answer goes to the agent', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'no-progress', steps: [[looping(3)]] });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);
    expect(ctx.statuses.find((entry) => entry.status === 'waiting_for_input')?.reason).toBe(reason);
    expect(ctx.eventsOf('validation').map((check) => [check.attempt, check.passed])).toEqual([[1, false], [2, false], [3, false]]);
    expect(ctx.eventsOf('question')).toEqual([{ stage: 'implement', question: expect.stringContaining(`${reason}. Answer to tell the agent`) }]);
    ctx.control({ action: 'input', text: 'Close the parenthesis of console.log.' });
    await running;

    // The answer reached the same session; the loop went on failing, so the retries ran out.
    const retry = kit.model.requests().filter((request) => request.scenario === 'fail-validation').at(-1);
    expect(JSON.stringify(retry?.messages)).toContain('Close the parenthesis of console.log.');
    expect(ctx.eventsOf('validation')).toHaveLength(4);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Validation command "node hello.js" still fails/) });
  });

  it('continue anyway lets the agent try again', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'no-progress-continue', steps: [[looping(3)]] });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);
    ctx.control({ action: 'continue' });
    await running;

    expect(ctx.statusList().filter((status) => status === 'waiting_for_input')).toHaveLength(1);
    expect(ctx.eventsOf('validation')).toHaveLength(4);
    expect(ctx.statuses.at(-1)?.status).toBe('failed');
  });
});
