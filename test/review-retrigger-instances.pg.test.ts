// The one-retrigger-per-hour limit holds across platform instances: it is counted in the
// database, under the pull request's row lock. Two instances of this test's beside the stack's.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { decisionsOf, openPullRequest, processed, reviewLoopOrg, runJobTo, type ReviewLoopOrg } from './support/review-loop.ts';
import { testAppEnv, testStack } from './support/stack-env.ts';

const instances: AppServerHandle[] = [];
let provider: ProviderApi;
let org: ReviewLoopOrg;

async function startInstance(name: string, preferredPort: number): Promise<AppServerHandle> {
  const env = testAppEnv();
  return startAppServer({
    port: await findFreePort(preferredPort),
    dataDir: path.join(testStack().dataDir ?? '.test-data', name),
    env: {
      ...env,
      SPEDY_ALLOWED_INTERNAL_HOSTS: '127.0.0.1',
      // Two Next dev servers cannot share an output folder.
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-${name}` } : {}),
    },
    timeoutMs: 150_000,
  });
}

beforeAll(async () => {
  provider = await startProviderApi();
  org = await reviewLoopOrg(provider, 'Hourly Owner', 'HRL');
  instances.push(...(await Promise.all([startInstance('reviews-a', 4300), startInstance('reviews-b', 4400)])));
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await org?.close();
  await provider?.close();
});

describe('the hourly retrigger limit', () => {
  it('refuses a second retrigger of one pull request within the hour, with the reviews sent to two instances', async () => {
    const pr = await openPullRequest(org, 'Twice reviewed');
    const urlOf = (instance: AppServerHandle) => `${instance.url}/api/webhooks/github/${org.integrationId}`;
    const review = (reviewer: string) =>
      provider.reviews.post({ repository: org.repository, number: pr.number, reviewer, body: `${reviewer} wants changes.`, comments: [{ path: 'a.ts', line: 1, body: 'Fix.' }] });

    const first = await provider.reviews.deliver(urlOf(instances[0]!), org.secret, review('ann'));
    expect(first.status).toBe(202);
    await processed(org, first.deliveryId);
    const [retriggered] = await decisionsOf(pr.ticketId);
    expect(retriggered).toMatchObject({ outcome: 'retriggered' });
    // The revision is done: only the hourly limit stands in the way of another.
    await runJobTo(org, retriggered!.job_id!, 'completed');

    const second = await provider.reviews.deliver(urlOf(instances[1]!), org.secret, review('ben'));
    expect(second.status).toBe(202);
    await processed(org, second.deliveryId);
    expect((await decisionsOf(pr.ticketId)).at(-1)).toMatchObject({
      outcome: 'refused',
      guard: 'hourlyLimit',
      message: 'Not retriggered: this pull request was retriggered less than an hour ago (at most once an hour).',
    });
  }, 120_000);
});
