// The review loop on the platform: pull requests linked as runners report them; GitHub's signed
// webhooks stored once each with their task; a "changes requested" review retriggering a job
// with the feedback, or recorded as refused by the guard that stopped it; the poller finding
// reviews without any webhook. The git host is the test kit's provider stand-in.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollReviews } from '../lib/reviews/poller.ts';
import { getKeyring } from '../lib/secrets/keyring.ts';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { sql } from './support/db.ts';
import { poll } from './support/poll.ts';
import {
  decisionsOf,
  deliveryOf,
  openPullRequest,
  processed,
  reviewLoopOrg,
  runJobTo,
  setRetrigger,
  webhookUrl,
  type ReviewLoopOrg,
} from './support/review-loop.ts';
import { testStack } from './support/stack-env.ts';

let provider: ProviderApi;
let org: ReviewLoopOrg;

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const post = (body: string, headers: Record<string, string>) =>
  fetch(webhookUrl(org), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (res) => ({ status: res.status, text: await res.text() }));
const deliveryCount = async () => Number((await query<{ n: string }>('SELECT count(*) AS n FROM webhook_delivery WHERE integration_id = $1', [org.integrationId]))[0]!.n);
const jobsOf = (ticketId: string) =>
  query<{ id: string; status: string; root_job_id: string; snapshot: Record<string, unknown> & { trigger: { kind: string }; review?: Record<string, unknown> } }>(
    'SELECT j.id, j.status, j.root_job_id, s.snapshot FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.ticket_id = $1 ORDER BY j.created_at',
    [ticketId],
  );

/** A reviewer requests changes with two inline comments; the stand-in delivers the signed webhook. */
async function requestChanges(number: number, options: { deliveryId?: string } = {}) {
  const review = provider.reviews.post({
    repository: org.repository,
    number,
    reviewer: 'rita-reviewer',
    body: 'Close, but the error handling needs work.',
    comments: [
      { path: 'src/login.ts', line: 42, body: 'Handle the expired-token case here.' },
      { path: 'src/session.ts', line: 7, body: 'Rename this to sessionTtlMs.' },
    ],
  });
  const delivery = await provider.reviews.deliver(webhookUrl(org), org.secret, review, options);
  return { review, delivery };
}

beforeAll(async () => {
  provider = await startProviderApi();
  org = await reviewLoopOrg(provider, 'Rev Owner', 'RVW');
});

afterAll(async () => {
  await org?.close();
  await provider?.close();
});

describe('linked pull requests', () => {
  it('links the pull request a runner reports to its ticket, job and root run', async () => {
    const opened = await openPullRequest(org, 'Link me');
    const rows = await query('SELECT ticket_id, job_id, root_job_id, provider, repository, branch, number, url, state FROM pull_request WHERE ticket_id = $1', [opened.ticketId]);
    expect(rows).toEqual([
      { ticket_id: opened.ticketId, job_id: opened.jobId, root_job_id: opened.jobId, provider: 'github', repository: org.repository, branch: opened.branch, number: opened.number, url: opened.url, state: 'open' },
    ]);
  });
});

describe('GitHub webhooks', () => {
  it("accepts GitHub's published pull_request_review example signed with the secret, and stores the review", async () => {
    const example = readFileSync(new URL('./fixtures/github-pull-request-review.json', import.meta.url), 'utf8');
    const opened = await openPullRequest(org, 'Hello World', 'completed', {
      repository: 'Codertocat/Hello-World',
      number: 2,
      url: 'https://github.com/Codertocat/Hello-World/pull/2',
      branch: 'changes',
    });
    const deliveryId = randomUUID();
    const answer = await post(example, { 'x-github-event': 'pull_request_review', 'x-github-delivery': deliveryId, 'x-hub-signature-256': sign(org.secret, example) });
    expect(answer.status).toBe(202);
    expect(await processed(org, deliveryId)).toMatchObject({ outcome: 'processed', detail: "Stored Codertocat's review (commented)." });
    const reviews = await query('SELECT review_key, reviewer, state, comments FROM pull_request_review WHERE ticket_id = $1', [opened.ticketId]);
    expect(reviews).toEqual([{ review_key: '237895671', reviewer: 'Codertocat', state: 'commented', comments: [] }]);
    // A comment is no request for changes: nothing to decide.
    expect(await decisionsOf(opened.ticketId)).toEqual([]);
  });

  it('refuses unsigned, wrongly signed and malformed deliveries with 4xx, writing nothing', async () => {
    const before = await deliveryCount();
    const body = JSON.stringify({ action: 'submitted' });
    const headers = { 'x-github-event': 'pull_request_review', 'x-github-delivery': randomUUID() };
    expect((await post(body, headers)).status).toBe(401);
    expect((await post(body, { ...headers, 'x-hub-signature-256': sign('not the secret', body) })).status).toBe(401);
    expect((await post(body, { ...headers, 'x-hub-signature-256': 'sha256=nonsense' })).status).toBe(401);
    // Signed, but not a review payload; signed, but not JSON at all.
    const malformed = await post(body, { ...headers, 'x-hub-signature-256': sign(org.secret, body) });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('not a GitHub pull_request_review payload');
    expect((await post('{"action":', { ...headers, 'x-hub-signature-256': sign(org.secret, '{"action":') })).status).toBe(400);
    // No delivery id; an address no integration has.
    expect((await post(body, { 'x-github-event': 'pull_request_review', 'x-hub-signature-256': sign(org.secret, body) })).status).toBe(400);
    const elsewhere = await fetch(`${testStack().appUrl}/api/webhooks/github/no-such-integration`, { method: 'POST', body, headers: { 'x-hub-signature-256': sign(org.secret, body) } });
    expect(elsewhere.status).toBe(404);
    expect(await deliveryCount()).toBe(before);
  });
});

describe('review retriggers', () => {
  let opened: Awaited<ReturnType<typeof openPullRequest>>;
  let first: Awaited<ReturnType<typeof requestChanges>>;

  it("retriggers a job on the pull request's run with the reviewer's summary and every inline comment", async () => {
    opened = await openPullRequest(org, 'Fix the login flow');
    first = await requestChanges(opened.number);
    expect(first.delivery.status).toBe(202);
    await processed(org, first.delivery.deliveryId);
    const decisions = await decisionsOf(opened.ticketId);
    expect(decisions).toMatchObject([{ outcome: 'retriggered', guard: null }]);
    const jobs = await jobsOf(opened.ticketId);
    expect(jobs).toHaveLength(2);
    const retriggered = jobs[1]!;
    expect(retriggered).toMatchObject({ id: decisions[0]!.job_id, status: 'ready', root_job_id: opened.jobId });
    expect(retriggered.snapshot.trigger.kind).toBe('review');
    expect(retriggered.snapshot.review).toEqual({
      pullRequest: { repository: org.repository, number: opened.number, url: opened.url, branch: opened.branch, state: 'open' },
      reviewer: 'rita-reviewer',
      summary: 'Close, but the error handling needs work.',
      comments: [
        { path: 'src/login.ts', line: 42, body: 'Handle the expired-token case here.' },
        { path: 'src/session.ts', line: 7, body: 'Rename this to sessionTtlMs.' },
      ],
    });
    const [stored] = await query<{ comments: unknown[] }>('SELECT comments FROM pull_request_review WHERE ticket_id = $1', [opened.ticketId]);
    expect(stored!.comments).toHaveLength(2);
  });

  it('answers a redelivery 200 "duplicate, ignored" and processes it once', async () => {
    const again = await provider.reviews.deliver(webhookUrl(org), org.secret, first.review, { deliveryId: first.delivery.deliveryId });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ message: 'duplicate, ignored' });
    expect(await deliveryOf(org, first.delivery.deliveryId)).toHaveLength(1);
    expect(await decisionsOf(opened.ticketId)).toHaveLength(1);
    expect(await jobsOf(opened.ticketId)).toHaveLength(2);
  });

  it('refuses while the ticket has an active job (the retriggered one), and records it', async () => {
    const second = await requestChanges(opened.number);
    await processed(org, second.delivery.deliveryId);
    expect((await decisionsOf(opened.ticketId)).at(-1)).toMatchObject({ outcome: 'refused', guard: 'activeJob', message: 'Not retriggered: the ticket already has an active job.' });
  });

  it('refuses a second job for the same review (delivered again under a new id), and records it', async () => {
    const [, retriggered] = await jobsOf(opened.ticketId);
    await runJobTo(org, retriggered!.id, 'completed');
    const again = await provider.reviews.deliver(webhookUrl(org), org.secret, first.review);
    expect(again.status).toBe(202);
    await processed(org, again.deliveryId);
    expect((await decisionsOf(opened.ticketId)).at(-1)).toMatchObject({ outcome: 'refused', guard: 'reviewHasJob', message: 'Not retriggered: a job for this review already exists.' });
    expect(await jobsOf(opened.ticketId)).toHaveLength(2);
  });

  it('refuses when retrigger on review is off', async () => {
    const pr = await openPullRequest(org, 'Switched off');
    await setRetrigger(org.owner.orgID, false);
    try {
      const { delivery } = await requestChanges(pr.number);
      await processed(org, delivery.deliveryId);
    } finally {
      await setRetrigger(org.owner.orgID, true);
    }
    expect(await decisionsOf(pr.ticketId)).toMatchObject([{ outcome: 'refused', guard: 'disabled' }]);
  });

  it("refuses when the ticket's last job did not complete", async () => {
    const pr = await openPullRequest(org, 'Failed before', 'failed');
    const { delivery } = await requestChanges(pr.number);
    await processed(org, delivery.deliveryId);
    expect(await decisionsOf(pr.ticketId)).toMatchObject([{ outcome: 'refused', guard: 'lastJobNotCompleted', message: "Not retriggered: the ticket's last job did not complete." }]);
  });

  it('refuses when the pull request is no longer linked to a ticket', async () => {
    const pr = await openPullRequest(org, 'Deleted later');
    await query('DELETE FROM ticket WHERE id = $1', [pr.ticketId]);
    const { delivery } = await requestChanges(pr.number);
    await processed(org, delivery.deliveryId);
    const rows = await query<{ outcome: string; guard: string }>(
      'SELECT r.outcome, r.guard FROM review_retrigger r JOIN pull_request p ON p.id = r.pull_request_id WHERE p.job_id = $1',
      [pr.jobId],
    );
    expect(rows).toEqual([{ outcome: 'refused', guard: 'noTicket' }]);
  });

  it('processes a redelivery again when its task failed for good', async () => {
    const pr = await openPullRequest(org, 'Host was down');
    // The host cannot be reached where the integration points: the task fails reading the review's comments.
    await query("UPDATE git_integration SET api_url = $2 WHERE id = $1", [org.integrationId, `${provider.url}/nowhere`]);
    const { review, delivery } = await requestChanges(pr.number);
    const [row] = await poll('the task failed once', async () => {
      const rows = await deliveryOf(org, delivery.deliveryId);
      return rows[0]?.outcome === 'error' ? rows : undefined;
    }, 30_000, 100);
    // Its retries used up (graphile-worker would retry for minutes with backoff): failed for good.
    await query('UPDATE graphile_worker._private_jobs SET max_attempts = attempts WHERE id = $1::bigint', [row!.task_id]);
    await query('UPDATE git_integration SET api_url = $2 WHERE id = $1', [org.integrationId, provider.githubUrl]);
    const again = await provider.reviews.deliver(webhookUrl(org), org.secret, review, { deliveryId: delivery.deliveryId });
    expect(again.status).toBe(202);
    expect(JSON.parse(again.body).message).toContain('accepted again');
    await processed(org, delivery.deliveryId);
    expect(await decisionsOf(pr.ticketId)).toMatchObject([{ outcome: 'retriggered' }]);
  });

  it('follows a merged pull request', async () => {
    const pr = await openPullRequest(org, 'Merge me');
    const body = JSON.stringify({ action: 'closed', number: pr.number, pull_request: { number: pr.number, merged: true, state: 'closed' }, repository: { full_name: org.repository } });
    const deliveryId = randomUUID();
    expect((await post(body, { 'x-github-event': 'pull_request', 'x-github-delivery': deliveryId, 'x-hub-signature-256': sign(org.secret, body) })).status).toBe(202);
    await processed(org, deliveryId);
    expect(await query('SELECT state FROM pull_request WHERE ticket_id = $1', [pr.ticketId])).toEqual([{ state: 'merged' }]);
  });
});

describe('the review poller', () => {
  it('finds a review and a closed pull request without any webhook, through the same guards', async () => {
    const pr = await openPullRequest(org, 'Behind a firewall');
    const closed = await openPullRequest(org, 'Closed on the host');
    provider.reviews.post({ repository: org.repository, number: pr.number, reviewer: 'polly', body: 'Please split this.', comments: [{ path: 'README.md', line: 3, body: 'Typo.' }] });
    provider.reviews.setState('github', org.repository, closed.number, 'closed');
    const deps = { db: org.db, keyring: getKeyring(), transport: { timeoutMs: 10_000, redirect: 'error' as const }, log: () => {}, webhookGraceMs: 0 };
    // Every open linked pull request of the stack is read in batches; poll until this one was.
    await poll('the poller found the review', async () => {
      await pollReviews(deps);
      return (await decisionsOf(pr.ticketId)).length > 0;
    }, 60_000, 200);
    expect(await decisionsOf(pr.ticketId)).toMatchObject([{ outcome: 'retriggered' }]);
    const [job] = (await jobsOf(pr.ticketId)).slice(-1);
    expect(job!.snapshot.review).toMatchObject({ reviewer: 'polly', summary: 'Please split this.', comments: [{ path: 'README.md', line: 3, body: 'Typo.' }] });
    const polled = await query<{ source: string; outcome: string }>("SELECT source, outcome FROM webhook_delivery WHERE integration_id = $1 AND source = 'poller' AND event LIKE 'poll.review.%'", [org.integrationId]);
    expect(polled.length).toBeGreaterThan(0);
    await poll('the poller saw the closed pull request', async () => {
      await pollReviews(deps);
      const [row] = await query<{ state: string }>('SELECT state FROM pull_request WHERE ticket_id = $1', [closed.ticketId]);
      return row?.state === 'closed';
    }, 60_000, 200);
    // A second round finds nothing new for the reviewed pull request: the same dedupe.
    await pollReviews(deps);
    expect(await decisionsOf(pr.ticketId)).toHaveLength(1);
  });
});
