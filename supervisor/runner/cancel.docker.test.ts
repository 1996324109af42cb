import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { poll } from '../../test/support/poll.ts';

// Cancel ends a job for good: the agent's container is interrupted (then killed after the
// grace period) and the job fails with the person's reason; nothing is resumed.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'cancel' });
});

afterAll(async () => {
  await kit?.stop();
});

describe('runJob is cancelled', () => {
  it('while the agent works: the container goes and the job fails with the reason, without Stopped or a pull request', async () => {
    const wait = stageSnapshot({ id: 'wait', name: 'Wait [scenario:slow]', allowedTools: ['Bash'] });
    const { ctx, deps } = await kit.newJob({ name: 'cancel-running', steps: [[wait]] });

    const running = runToEnd(ctx, deps);
    await ctx.until('the agent running sleep', () => ctx.eventsOf('tool_call').some((call) => call.name === 'Bash'));
    ctx.control({ action: 'cancel', reason: 'Cancelled by Ada.' });
    await running;

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'failed']);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'Cancelled by Ada.' });
    expect(ctx.eventsOf('pull_request')).toEqual([]);
    await poll('the cancelled stage container to be removed', async () => (await kit.containersOf(ctx.job.id)).length === 0, 10_000, 100);
  });

  it('while Stopped: the wait for Continue ends and the job fails', async () => {
    const wait = stageSnapshot({ id: 'wait', name: 'Wait [scenario:slow]', allowedTools: ['Bash'] });
    const { ctx, deps } = await kit.newJob({ name: 'cancel-stopped', steps: [[wait]] });

    const running = runToEnd(ctx, deps);
    await ctx.until('the agent running sleep', () => ctx.eventsOf('tool_call').some((call) => call.name === 'Bash'));
    ctx.control({ action: 'stop' });
    await ctx.untilStatus('stopped');
    ctx.control({ action: 'cancel', reason: 'Cancelled by Ada.' });
    await running;

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'stopped', 'failed']);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'Cancelled by Ada.' });
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });
});
