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

    await runToEnd(ctx, deps);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'Stage Wait [scenario:slow] ran for 4 s, its limit.' });
    expect(ctx.eventsOf('stage').at(-1)).toMatchObject({ stage: 'wait', state: 'failed', reason: 'Stage Wait [scenario:slow] ran for 4 s, its limit.' });
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
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
