import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// The job's wall-clock limit counts the supervisor's own work too: a clone or a push to a git
// remote that hangs (the test kit's remote holds the request unanswered) ends at the limit,
// Failed with its reason, instead of holding the job forever.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'job-limit' });
});

afterAll(async () => {
  await kit?.stop();
});

const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:edit-and-test]' });

describe("the job's wall-clock limit outside the stages", () => {
  it('ends a clone that hangs at the limit', async () => {
    const { ctx, deps, fullName } = await kit.newJob({ name: 'slow-clone', steps: [[implement]], budget: { jobTimeLimitSeconds: 3 } });
    kit.remote.holdRequests((request) => request.path.startsWith(`/${fullName}`) && request.service === 'git-upload-pack');

    await runToEnd(ctx, deps);

    expect(kit.remote.requests().some((request) => request.path.startsWith(`/${fullName}`) && request.held)).toBe(true);
    expect(ctx.statusList()).toEqual(['preparing', 'failed']);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'The job ran for 3 s, its limit.' });
    expect(ctx.eventsOf('stage')).toEqual([]);
  });

  it('ends a push that hangs at the limit, after the stages did their work', async () => {
    // Long enough for the clone and the stage (a few seconds); the push then hangs until the limit.
    const { ctx, deps, fullName } = await kit.newJob({ name: 'slow-push', steps: [[implement]], budget: { jobTimeLimitSeconds: 40 } });
    kit.remote.holdRequests((request) => request.path.startsWith(`/${fullName}`) && request.service === 'git-receive-pack');

    await runToEnd(ctx, deps);

    expect(ctx.eventsOf('stage').at(-1)).toMatchObject({ stage: 'implement', phase: 'completed' });
    expect(kit.remote.requests().some((request) => request.path.startsWith(`/${fullName}`) && request.service === 'git-receive-pack' && request.held)).toBe(true);
    expect(ctx.statusList().slice(-2)).toEqual(['syncing', 'failed']);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'failed', reason: 'The job ran for 40 s, its limit.' });
    expect(await kit.remote.branches(fullName)).toEqual(['main']);
    expect(kit.providerApi.pullRequests.list({ repository: fullName })).toEqual([]);
  }, 120_000);
});
