// The review loop for Bitbucket Cloud on the platform: signed webhooks (X-Hub-Signature,
// HMAC-SHA256) in Bitbucket's payload shapes on a pull request a Bitbucket-linked job opened;
// a change request retriggering a job whose prompt holds every inline comment; the knowledge
// entries it teaches, with the diff hunk cut from the pull request's diff; comment, merge and
// decline events; the webhook and the poller agreeing on which change request is which, and
// the poller not taking a request still standing after the revision for a new one; and a
// delivery whose processing failed showing its attempts. The git host is the test kit's
// provider stand-in.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewFeedback } from '@spedy/protocol/wire';
import { pollReviews } from '../lib/reviews/poller.ts';
import { getKeyring } from '../lib/secrets/keyring.ts';
import { reviewFeedbackPrompt } from '../supervisor/agent/review-prompt.ts';
import { branchOfRepository } from '../supervisor/runner/review-target.ts';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { sql } from './support/db.ts';
import { poll } from './support/poll.ts';
import {
  connectBitbucket,
  decisionsOf,
  deliveryOfIntegration,
  openBitbucketPullRequest,
  processed,
  reviewLoopOrg,
  runJobTo,
  type BitbucketSide,
  type ReviewLoopOrg,
} from './support/review-loop.ts';
import { testStack } from './support/stack-env.ts';

let provider: ProviderApi;
let org: ReviewLoopOrg;
let bitbucket: BitbucketSide;

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const jobsOf = (ticketId: string) =>
  query<{ id: string; status: string; snapshot: { review?: ReviewFeedback } }>(
    'SELECT j.id, j.status, s.snapshot FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.ticket_id = $1 ORDER BY j.created_at',
    [ticketId],
  );
const pollerDeliveriesOf = (ticketId: string) =>
  query<{ delivery_id: string }>(
    "SELECT d.delivery_id FROM webhook_delivery d JOIN pull_request p ON d.delivery_id LIKE 'poll:' || p.id || ':review:%' WHERE p.ticket_id = $1",
    [ticketId],
  );
const reviewsOf = (ticketId: string) => query<{ review_key: string; reviewer: string }>('SELECT review_key, reviewer FROM pull_request_review WHERE ticket_id = $1', [ticketId]);

/** POSTs a Bitbucket event signed as Bitbucket signs it (`X-Hub-Signature: sha256=<hex>`). */
async function deliverEvent(eventKey: string, payload: unknown, options: { secret?: string | null } = {}) {
  const body = JSON.stringify(payload);
  const deliveryId = randomUUID();
  const secret = options.secret === undefined ? bitbucket.secret : options.secret;
  const signature: Record<string, string> = secret === null ? {} : { 'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
  const res = await fetch(bitbucket.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-event-key': eventKey, 'x-request-uuid': deliveryId, 'x-hook-uuid': randomUUID(), 'user-agent': 'Bitbucket-Webhooks/2.0', ...signature },
    body,
  });
  return { status: res.status, message: ((await res.json()) as { message: string }).message, deliveryId };
}

// Bitbucket Cloud's event payloads (support.atlassian.com/bitbucket-cloud/docs/event-payloads): the common entities, trimmed.
const account = { type: 'user', display_name: 'Rita Reviewer', uuid: '{rita}', nickname: 'rita', account_id: '557058:rita' };
const pullRequestEntity = (number: number, state: 'OPEN' | 'MERGED' | 'DECLINED') => ({
  type: 'pullrequest',
  id: number,
  title: 'Fix the login flow',
  state,
  author: { type: 'user', display_name: 'Spedy', uuid: '{spedy}' },
  source: { branch: { name: 'spedy/fix' }, commit: { hash: 'd3022fc0ca3d' }, repository: { full_name: bitbucket.repository } },
  destination: { branch: { name: 'main' }, commit: { hash: 'ce5965ddd289' }, repository: { full_name: bitbucket.repository } },
  links: { html: { href: `https://bitbucket.org/${bitbucket.repository}/pull-requests/${number}` } },
});
const repositoryEntity = () => ({ type: 'repository', full_name: bitbucket.repository, name: 'web', uuid: '{repo-uuid}', is_private: true });

function deps() {
  return { db: org.db, keyring: getKeyring(), transport: { timeoutMs: 10_000, redirect: 'error' as const }, log: () => {}, webhookGraceMs: 0 };
}

/** Runs the poller until it has read the pull request of `ticketId` (it reads every open linked pull request of the stack, in batches). */
/** Polls until the poller has handed on a change request and the ticket has `decisions` retrigger decisions. */
async function pollUntilDecided(ticketId: string, decisions: number) {
  await poll('the poller found the change request', async () => {
    await pollReviews(deps());
    return (await pollerDeliveriesOf(ticketId)).length > 0;
  }, 60_000, 200);
  return poll(`${decisions} retrigger decision(s)`, async () => {
    const decided = await decisionsOf(ticketId);
    return decided.length >= decisions ? decided : undefined;
  }, 30_000, 100);
}

async function pollUntilRead(ticketId: string) {
  const [before] = await query<{ last_polled_at: string | null }>('SELECT last_polled_at FROM pull_request WHERE ticket_id = $1', [ticketId]);
  await poll('the poller read the pull request', async () => {
    await pollReviews(deps());
    const [row] = await query<{ last_polled_at: string | null }>('SELECT last_polled_at FROM pull_request WHERE ticket_id = $1', [ticketId]);
    return row?.last_polled_at !== null && row?.last_polled_at !== before?.last_polled_at;
  }, 60_000, 200);
}

beforeAll(async () => {
  provider = await startProviderApi();
  org = await reviewLoopOrg(provider, 'Bit Owner', 'BBR');
  bitbucket = await connectBitbucket(org, provider, 'BBR');
});

afterAll(async () => {
  await org?.close();
  await provider?.close();
});

describe('Bitbucket webhooks', () => {
  it('a signed change request retriggers a job on the same branch whose prompt holds every inline comment with path and line', async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Fix the login flow');
    expect(await query('SELECT provider, repository, number FROM pull_request WHERE ticket_id = $1', [opened.ticketId])).toEqual([
      { provider: 'bitbucket', repository: bitbucket.repository, number: opened.number },
    ]);
    const review = provider.reviews.post({
      provider: 'bitbucket',
      repository: bitbucket.repository,
      number: opened.number,
      reviewer: 'rita',
      body: 'Close, but the error handling needs work.',
      comments: [
        { path: 'src/login.ts', line: 42, body: 'Handle the expired-token case here.' },
        { path: 'src/session.ts', line: 7, body: 'Rename this to sessionTtlMs.' },
      ],
    });
    const delivery = await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review);
    expect(delivery.status).toBe(202);
    expect(await processed(bitbucket, delivery.deliveryId)).toMatchObject({ outcome: 'processed', detail: `Retriggered: rita requested changes on ${bitbucket.repository}#${opened.number}.` });

    const decisions = await decisionsOf(opened.ticketId);
    expect(decisions).toMatchObject([{ outcome: 'retriggered', guard: null }]);
    const [, retriggered] = await jobsOf(opened.ticketId);
    expect(retriggered).toMatchObject({ id: decisions[0]!.job_id, status: 'ready' });
    const feedback = retriggered!.snapshot.review!;
    expect(feedback).toEqual({
      pullRequest: { repository: bitbucket.repository, number: opened.number, url: opened.url, branch: opened.branch, state: 'open' },
      reviewer: 'rita',
      summary: 'Close, but the error handling needs work.',
      comments: [
        { path: 'src/login.ts', line: 42, body: 'Handle the expired-token case here.' },
        { path: 'src/session.ts', line: 7, body: 'Rename this to sessionTtlMs.' },
      ],
    });
    // What the runner's stages are told, and where it pushes: the pull request's own branch.
    const prompt = reviewFeedbackPrompt(feedback);
    expect(prompt).toContain('`src/login.ts` line 42:\n\n> Handle the expired-token case here.');
    expect(prompt).toContain('`src/session.ts` line 7:\n\n> Rename this to sessionTtlMs.');
    expect(prompt).toContain(`pull request #${opened.number} (${opened.url}), branch \`${opened.branch}\``);
    const target = branchOfRepository(retriggered!.snapshot, { fullName: bitbucket.repository, baseBranch: 'main' }, 'spedy/a-new-branch');
    expect(target).toMatchObject({ target: { kind: 'revise' }, branch: opened.branch, startFrom: opened.branch });

    // Redelivered by Bitbucket under the same X-Request-UUID: answered, processed once.
    const again = await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review, { deliveryId: delivery.deliveryId });
    expect(again).toMatchObject({ status: 200, body: JSON.stringify({ message: 'duplicate, ignored' }) });
    expect(await decisionsOf(opened.ticketId)).toHaveLength(1);
  });

  it('refuses unsigned and wrongly signed deliveries and a malformed change request, writing nothing', async () => {
    const count = async () => Number((await query<{ n: string }>('SELECT count(*) AS n FROM webhook_delivery WHERE integration_id = $1', [bitbucket.integrationId]))[0]!.n);
    const before = await count();
    const payload = { actor: account, pullrequest: pullRequestEntity(1, 'OPEN'), repository: repositoryEntity(), changes_request: { date: new Date().toISOString(), user: account } };
    expect((await deliverEvent('pullrequest:changes_request_created', payload, { secret: null })).status).toBe(401);
    expect((await deliverEvent('pullrequest:changes_request_created', payload, { secret: 'not the secret' })).status).toBe(401);
    const { source: _source, ...withoutSource } = payload.pullrequest;
    const malformed = await deliverEvent('pullrequest:changes_request_created', { ...payload, pullrequest: withoutSource });
    expect(malformed.status).toBe(400);
    expect(malformed.message).toContain('not a Bitbucket pullrequest:changes_request_created payload');
    expect(await count()).toBe(before);
  });

  it('stores a comment event as ignored, and follows a merged and a declined pull request', async () => {
    const merged = await openBitbucketPullRequest(org, bitbucket, 'Merge me');
    const declined = await openBitbucketPullRequest(org, bitbucket, 'Decline me');
    const comment = await deliverEvent('pullrequest:comment_created', {
      actor: account,
      pullrequest: pullRequestEntity(merged.number, 'OPEN'),
      repository: repositoryEntity(),
      comment: { type: 'pullrequest_comment', id: 17, content: { raw: 'Nit: trailing space.' }, inline: { path: 'src/a.ts', from: null, to: 3 }, user: account },
    });
    expect(comment).toMatchObject({ status: 200, message: 'ignored: Comments are read with the change request they belong to.' });
    expect(await deliveryOfIntegration(bitbucket.integrationId, comment.deliveryId)).toMatchObject([{ outcome: 'ignored' }]);

    const fulfilled = await deliverEvent('pullrequest:fulfilled', { actor: account, pullrequest: pullRequestEntity(merged.number, 'MERGED'), repository: repositoryEntity() });
    const rejected = await deliverEvent('pullrequest:rejected', { actor: account, pullrequest: pullRequestEntity(declined.number, 'DECLINED'), repository: repositoryEntity() });
    expect([fulfilled.status, rejected.status]).toEqual([202, 202]);
    await processed(bitbucket, fulfilled.deliveryId);
    await processed(bitbucket, rejected.deliveryId);
    expect(await query('SELECT state FROM pull_request WHERE ticket_id = $1', [merged.ticketId])).toEqual([{ state: 'merged' }]);
    expect(await query('SELECT state FROM pull_request WHERE ticket_id = $1', [declined.ticketId])).toEqual([{ state: 'closed' }]);
  });
});

describe('what a Bitbucket change request teaches', () => {
  // The pull request's diff, as `git diff main...branch` prints it (Bitbucket's pull request diff is the same).
  const cartDiff = [
    'diff --git a/src/cart/total.ts b/src/cart/total.ts',
    'index 5d1a0c3..e2b7f91 100644',
    '--- a/src/cart/total.ts',
    '+++ b/src/cart/total.ts',
    '@@ -1,5 +1,6 @@',
    ' export function total(items: Item[]) {',
    '-  const sum = items.reduce((s, i) => s + i.price, 0);',
    '+  const sum = items.reduce((s, i) => s + i.price * i.quantity, 0);',
    '+  console.debug("cart total", sum);',
    '   return Math.round(sum * 100) / 100;',
    ' }',
    '',
  ].join('\n');

  it("keeps each inline comment's diff hunk, cut from the pull request's diff, as its knowledge entry's diff context", async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Count quantities in the cart total');
    const review = provider.reviews.post({
      provider: 'bitbucket',
      repository: bitbucket.repository,
      number: opened.number,
      reviewer: 'rita',
      diff: cartDiff,
      comments: [
        { path: 'src/cart/total.ts', line: 3, body: 'Drop the debug logging before merging.' },
        { path: 'src/cart/total.ts', line: 2, side: 'old', body: 'Why did the reduce over prices go?' },
      ],
    });
    await processed(bitbucket, (await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review)).deliveryId);
    const entries = await query<{ file_path: string; line: number | null; comment: string; diff_context: string }>(
      'SELECT file_path, line, comment, diff_context FROM knowledge_entry WHERE organization_id = $1 AND pull_request_url = $2 ORDER BY comment',
      [org.owner.orgID, opened.url],
    );
    expect(entries).toEqual([
      // The hunk ends at the commented line: the new file's line 3, the added console.debug.
      { file_path: 'src/cart/total.ts', line: 3, comment: 'Drop the debug logging before merging.', diff_context: cartDiff.split('\n').slice(4, 9).join('\n') },
      // A removed line (Bitbucket's inline.from): the hunk ends at the old file's line 2.
      { file_path: 'src/cart/total.ts', line: 2, comment: 'Why did the reduce over prices go?', diff_context: cartDiff.split('\n').slice(4, 7).join('\n') },
    ]);
    expect(entries[0]!.diff_context.split('\n').at(-1)).toBe('+  console.debug("cart total", sum);');
  });
});

describe('one change request, from the webhook and the poller', () => {
  /** Rita requested changes a minute ago, and comments again later: Bitbucket's participant time moves to the comment. */
  function requestChangesThenComment(number: number) {
    const aMinuteAgo = new Date(Date.now() - 60_000);
    const review = provider.reviews.post({ provider: 'bitbucket', repository: bitbucket.repository, number, reviewer: 'rita', submittedAt: aMinuteAgo, comments: [{ path: 'src/a.ts', line: 1, body: 'Split this.' }] });
    return {
      review,
      commentLater: () => provider.reviews.post({ provider: 'bitbucket', repository: bitbucket.repository, number, reviewer: 'rita', state: 'COMMENTED', body: 'Any news?' }),
    };
  }

  it('a webhook delivery followed by a poll retriggers once', async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Webhook first');
    const { review, commentLater } = requestChangesThenComment(opened.number);
    const delivery = await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review);
    await processed(bitbucket, delivery.deliveryId);
    commentLater();
    await pollUntilRead(opened.ticketId);
    // The poller knew the change request: it handed nothing on (its deliveries are made while it reads).
    expect(await pollerDeliveriesOf(opened.ticketId)).toEqual([]);
    expect(await reviewsOf(opened.ticketId)).toHaveLength(1);
    expect(await decisionsOf(opened.ticketId)).toMatchObject([{ outcome: 'retriggered' }]);
    expect(await jobsOf(opened.ticketId)).toHaveLength(2);
  });

  it('a poll followed by the webhook delivery retriggers once', async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Poller first');
    const { review, commentLater } = requestChangesThenComment(opened.number);
    commentLater();
    const decided = await pollUntilDecided(opened.ticketId, 1);
    expect(decided).toMatchObject([{ outcome: 'retriggered' }]);
    const delivery = await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review);
    expect(delivery.status).toBe(202);
    await processed(bitbucket, delivery.deliveryId);
    expect(await reviewsOf(opened.ticketId)).toHaveLength(1);
    expect((await decisionsOf(opened.ticketId)).filter((d) => d.outcome === 'retriggered')).toHaveLength(1);
    expect(await jobsOf(opened.ticketId)).toHaveLength(2);
  });
});

describe('a change request still standing after the revision', () => {
  it('is no new review at the new source commit; a change request made again after it retriggers once', async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Round the totals once');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    const first = provider.reviews.post({ provider: 'bitbucket', repository: bitbucket.repository, number: opened.number, reviewer: 'rita', submittedAt: aMinuteAgo, comments: [{ path: 'src/cart.ts', line: 4, body: 'Round once, at the end.' }] });
    await processed(bitbucket, (await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, first)).deliveryId);
    const [retriggered] = await decisionsOf(opened.ticketId);
    expect(retriggered).toMatchObject({ outcome: 'retriggered' });

    // The revision job pushes a commit to the branch and completes; on Bitbucket, Rita's request still stands.
    provider.pullRequestDiffs.push(bitbucket.repository, opened.number);
    await runJobTo(org, retriggered!.job_id!, 'completed');
    // An hour later: the one-per-hour limit no longer holds a retrigger back.
    await query('UPDATE review_retrigger SET created_at = created_at - 3600000 WHERE ticket_id = $1', [opened.ticketId]);
    await pollUntilRead(opened.ticketId);
    expect(await pollerDeliveriesOf(opened.ticketId)).toEqual([]);
    expect(await reviewsOf(opened.ticketId)).toHaveLength(1);
    expect(await decisionsOf(opened.ticketId)).toHaveLength(1);

    // Rita requests changes again after the revision: the poller finds a new change request, which retriggers once.
    provider.reviews.post({ provider: 'bitbucket', repository: bitbucket.repository, number: opened.number, reviewer: 'rita', comments: [{ path: 'src/cart.ts', line: 9, body: 'Still rounded twice here.' }] });
    const decided = await pollUntilDecided(opened.ticketId, 2);
    expect(decided).toMatchObject([{ outcome: 'retriggered' }, { outcome: 'retriggered' }]);
    await pollUntilRead(opened.ticketId);
    expect(await pollerDeliveriesOf(opened.ticketId)).toHaveLength(1);
    expect(await reviewsOf(opened.ticketId)).toHaveLength(2);
    expect(await jobsOf(opened.ticketId)).toHaveLength(3);
  });
});

describe('a delivery whose processing failed', () => {
  it('says which attempt failed, and on which attempt it was processed', async () => {
    const opened = await openBitbucketPullRequest(org, bitbucket, 'Host was down');
    // Bitbucket cannot be reached where the integration points: reading the change request's comments fails.
    await query('UPDATE git_integration SET api_url = $2 WHERE id = $1', [bitbucket.integrationId, `${provider.url}/nowhere`]);
    let deliveryId = '';
    try {
      const review = provider.reviews.post({ provider: 'bitbucket', repository: bitbucket.repository, number: opened.number, reviewer: 'rita', comments: [{ path: 'a.ts', line: 1, body: 'x' }] });
      ({ deliveryId } = await provider.reviews.deliver(bitbucket.webhookUrl, bitbucket.secret, review));
      const [failed] = await poll('the first attempt failed', async () => {
        const rows = await deliveryOfIntegration(bitbucket.integrationId, deliveryId);
        return rows[0]?.outcome === 'error' ? rows : undefined;
      }, 30_000, 50);
      expect(failed!.detail).toMatch(/^Attempt 1 of 5 failed \(retried automatically\): /);
    } finally {
      await query('UPDATE git_integration SET api_url = $2 WHERE id = $1', [bitbucket.integrationId, bitbucket.apiUrl]);
    }
    // graphile-worker retries it after a backoff of seconds (e^attempts).
    const done = await processed(bitbucket, deliveryId);
    expect(done.detail).toMatch(/^Retriggered: rita requested changes on .* \(attempt [2-5] of 5\)$/);
  });
});
