import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import type { FakeJobContext } from '../../test/support/supervisor/fake-job-context.ts';
import type { ModelRefusal } from '../model-proxy/model-proxy.ts';
import type { RunJobDeps } from './job-run.ts';

// A job's budget holds job-wide: the scripted model reports large usage per turn, the
// supervisor's model proxy meters it, and at a cap the job waits for a person.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'budget' });
});

afterAll(async () => {
  await kit?.stop();
});

/** The proxy as the job gets it, keeping what its grants refused. */
function recordingRefusals(deps: RunJobDeps): { deps: RunJobDeps; refused: ModelRefusal[] } {
  const refused: ModelRefusal[] = [];
  const proxy = kit.modelProxy;
  return {
    refused,
    deps: {
      ...deps,
      modelProxy: {
        handler: proxy.handler,
        grant: (grant) =>
          proxy.grant({
            ...grant,
            admit: (request) => {
              const refusal = grant.admit?.(request) ?? null;
              if (refusal) refused.push(refusal);
              return refusal;
            },
          }),
      },
    },
  };
}

/** What a person's raise does: the platform stores the new limit, the runner's next claim brings it (JobLifecycle.reclaimed), then Continue. */
function raise(ctx: FakeJobContext, budget: Partial<FakeJobContext['job']['snapshot']['budget']>): void {
  ctx.job.snapshot.budget = { ...ctx.job.snapshot.budget, ...budget };
  ctx.control({ action: 'continue' });
}

const usageSum = (ctx: FakeJobContext) => {
  const usages = ctx.eventsOf('usage') as { costUsd?: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }[];
  return {
    costUsd: usages.reduce((sum, u) => sum + (u.costUsd ?? 0), 0),
    inputTokens: usages.reduce((sum, u) => sum + u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens, 0),
    outputTokens: usages.reduce((sum, u) => sum + u.outputTokens, 0),
    turns: usages.length,
  };
};

describe('a job’s budget', () => {
  it('warns past the threshold, waits at the cost cap with the next request refused, and after a raise the same session finishes', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:budget-steps]' });
    const job = await kit.newJob({ name: 'budget-raise', steps: [[implement]], budget: { maxCostUsd: 4 } });
    const { ctx } = job;
    const { deps, refused } = recordingRefusals(job.deps);

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);

    const spent = usageSum(ctx);
    const reason = `Budget reached: $${spent.costUsd.toFixed(2)} of $4.00`;
    expect(reason).toBe('Budget reached: $4.02 of $4.00');
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'waiting_for_input', reason });
    const budget = ctx.eventsOf('budget');
    expect(budget.map((event) => event.state)).toEqual(['warning', 'reached']);
    expect(budget[0]).toMatchObject({ figure: 'costUsd', message: expect.stringContaining('$3.30 of $4.00') });
    expect(budget[1]).toMatchObject({ figure: 'costUsd', usage: { costUsd: 4.02, turns: 3 }, limits: { maxCostUsd: 4 } });
    // The warning came before the cap, and the stage stopped like Stop stops it.
    const types = ctx.events.map((event) => `${event.type}:${String(event.payload.state ?? event.payload.phase ?? '')}`);
    expect(types.indexOf('budget:warning')).toBeLessThan(types.indexOf('budget:reached'));
    expect(ctx.eventsOf('stage').at(-1)).toMatchObject({ stage: 'implement', phase: 'stopped' });
    // The answer that reached the cap finished; no later request reached the model (any the agent sent was refused).
    const scripted = () => kit.model.requests().filter((request) => request.scenario === 'budget-steps');
    expect(scripted().map((request) => request.turn)).toEqual([0, 1, 2]);
    for (const refusal of refused) expect(refusal).toMatchObject({ status: 429, message: expect.stringContaining(reason) });

    raise(ctx, { maxCostUsd: 6 });
    await running;

    expect(ctx.statusList().slice(-5)).toEqual(['waiting_for_input', 'executing', 'running', 'syncing', 'completed']);
    expect(ctx.eventsOf('budget').at(-1)).toMatchObject({ state: 'raised', message: expect.stringContaining('$4.02 of $6.00') });
    const [first, resumed] = ctx.eventsOf('session');
    expect(resumed).toMatchObject({ stage: 'implement', resumed: true, sessionId: first!.sessionId });
    expect(scripted().filter((request) => request.status === 200).map((request) => request.turn)).toEqual([0, 1, 2, 3]);
    expect(ctx.eventsOf('result').at(-1)).toMatchObject({ isError: false, text: 'Added hello.js; it prints a greeting.' });
  });

  it('ends a job at its cap when a person ends it: Failed with the budget reason', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:budget-steps]' });
    const { ctx, deps } = await kit.newJob({ name: 'budget-end', steps: [[implement]], budget: { maxCostUsd: 3 } });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 120_000);
    const reason = ctx.statuses.at(-1)!.reason!;
    expect(reason).toBe('Budget reached: $3.30 of $3.00');
    // "End the job": the platform's cancel carries the reason the job waits with (lib/jobs/cancel.ts).
    ctx.control({ action: 'cancel', reason });
    await running;

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason });
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });

  it('counts turns and tokens across two stages and a validation retry', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:fix-on-retry]', validationCommands: ['node hello.js'], maxRetries: 2 });
    const review = stageSnapshot({ id: 'review', name: 'Review [scenario:edit-and-test] [file:again.js]' });
    // 4 turns in the first stage (a retry in the same session), the cap at the second turn of the second.
    const { ctx, deps } = await kit.newJob({ name: 'budget-turns', steps: [[implement], [review]], budget: { maxTurns: 6, maxCostUsd: null } });

    const running = runToEnd(ctx, deps);
    await ctx.untilStatus('waiting_for_input', 180_000);

    const spent = usageSum(ctx);
    expect(ctx.eventsOf('validation').map((check) => check.passed)).toEqual([false, true]);
    expect(spent.turns).toBe(6);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'waiting_for_input', reason: 'Budget reached: 6 turns of 6' });
    const reached = ctx.eventsOf('budget').find((event) => event.state === 'reached');
    expect(reached).toMatchObject({ figure: 'turns', usage: { turns: 6, inputTokens: spent.inputTokens, outputTokens: spent.outputTokens } });
    // Input is what the model processed: the first stage's four turns alone are 6,700 tokens with the cache.
    expect(spent.inputTokens).toBeGreaterThan(6_700);
    expect(ctx.eventsOf('usage').filter((usage) => usage.stage === 'implement')).toHaveLength(4);

    raise(ctx, { maxTurns: 20 });
    await running;
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    expect(usageSum(ctx).turns).toBe(7);
  });
});
