import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lowOutputUsage } from '../../test-kit/model-server/scenarios.ts';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// A runner that notices (issue 14), with the real Claude Code CLI against the scripted model
// through the supervisor's model proxy: diminishing returns from the metered usage of each
// response, and "No progress" when attempts keep leaving the same change.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'runner-notices' });
});

afterAll(async () => {
  await kit?.stop();
});

describe('diminishing returns', () => {
  it('flags the job when three model turns in a row each produce under 500 output tokens', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:low-output]' });
    const { ctx, deps } = await kit.newJob({ name: 'low-output', steps: [[implement]] });

    await runToEnd(ctx, deps);

    expect(ctx.statuses.at(-1)?.status).toBe('completed');
    // The proxy metered every response; the first (900 tokens) is no part of the streak.
    const outputs = ctx.eventsOf('usage').map((usage) => usage.outputTokens);
    expect(outputs).toEqual(expect.arrayContaining([...lowOutputUsage]));
    const [low1, low2, low3] = lowOutputUsage.slice(1);
    expect(ctx.eventsOf('diminishing_returns')).toEqual([
      {
        stage: 'implement',
        threshold: 500,
        outputTokens: [low1, low2, low3],
        message: `Diminishing returns: the last 3 model turns each produced under 500 output tokens (${low1}, ${low2}, ${low3}).`,
      },
    ]);
    // Raised as the third short turn was metered, before the stage ended.
    const types = ctx.events.map((event) => event.type);
    expect(types.indexOf('diminishing_returns')).toBeLessThan(types.lastIndexOf('stage'));
  });
});

describe('no progress: the same change', () => {
  // The agent writes the same broken hello.js on every attempt; the check prints something new each time,
  // so the validation failures differ and only the change repeats.
  const files = { 'README.md': '# same change\n', 'check.js': 'console.log(`checked at ${Date.now()}: ${Math.random()}`);\nprocess.exit(1);\n' };
  const looping = stageSnapshot({ id: 'implement', name: 'Implement [scenario:fail-validation]', validationCommands: ['node check.js'], maxRetries: 3 });
  const reason = 'No progress: the same change was produced 3 times';

  it('pauses when three attempts in a row leave the same change; the answer goes to the agent', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'same-change', steps: [[looping]], files });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);
    expect(ctx.statuses.find((entry) => entry.status === 'waiting_for_input')?.reason).toBe(reason);
    const checks = ctx.eventsOf('validation');
    expect(checks.map((check) => [check.attempt, check.passed])).toEqual([[1, false], [2, false], [3, false]]);
    expect(new Set(checks.map((check) => check.output)).size).toBe(3);
    expect(ctx.eventsOf('question')).toEqual([{ stage: 'implement', question: expect.stringContaining(`${reason}. Answer to tell the agent`) }]);
    ctx.control({ action: 'input', text: 'Fix the parenthesis in hello.js first.' });
    await running;

    const retry = JSON.stringify(kit.model.requests().filter((request) => request.scenario === 'fail-validation').at(-1)?.messages);
    expect(retry).toContain('Fix the parenthesis in hello.js first.');
    expect(retry).toContain('Your last 3 attempts left the same change');
    expect(ctx.eventsOf('validation')).toHaveLength(4);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Validation command "node check.js" still fails/) });
  }, 180_000);

  it('continue anyway lets the agent try again', async () => {
    const { ctx, deps } = await kit.newJob({ name: 'same-change-continue', steps: [[looping]], files });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);
    ctx.control({ action: 'continue' });
    await running;

    expect(ctx.statusList().filter((status) => status === 'waiting_for_input')).toHaveLength(1);
    expect(ctx.eventsOf('validation')).toHaveLength(4);
    expect(ctx.statuses.at(-1)?.status).toBe('failed');
  }, 180_000);
});
