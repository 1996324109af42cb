// The review poller: for a Spedy the git host cannot reach, a periodic task reads the open
// linked pull requests' reviews and states from the host and hands what is new to the same
// delivery path as a webhook (./deliveries.ts: same dedupe, same guards), under a delivery id
// of its own per review and per state change.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { toError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { PeriodicTask } from '../tasks/queue.ts';
import { receiveDelivery } from './deliveries.ts';
import type { ReviewDeps } from './process-delivery.ts';
import { providerReader, type ProviderReader } from './provider-reviews.ts';
import { newBitbucketChangeRequests } from './standing-change-requests.ts';

export const reviewPollPeriodMs = 60_000;
/** Pull requests read per run, least recently read first. */
const batchSize = 20;
/** Reviews younger than this are left to their webhook, which usually arrives within seconds. */
export const webhookGraceMs = 120_000;

type PollerDeps = ReviewDeps & { log: (line: string) => void; webhookGraceMs?: number };

export function reviewPoller(deps: PollerDeps & { periodMs?: number }): PeriodicTask {
  return {
    identifier: 'review-poller',
    periodMs: deps.periodMs ?? reviewPollPeriodMs,
    async run() {
      const found = await pollReviews(deps);
      if (found > 0) deps.log(`the review poller found ${found} new review(s) or state change(s)`);
    },
  };
}

/** One round over the open linked pull requests; returns how many deliveries it made. */
export async function pollReviews(deps: PollerDeps): Promise<number> {
  const open = await deps.db
    .select({ pr: t.pullRequest, integrationId: t.gitIntegration.id })
    .from(t.pullRequest)
    .innerJoin(t.gitIntegration, and(eq(t.gitIntegration.organizationId, t.pullRequest.organizationId), sql`${t.gitIntegration.provider} = ${t.pullRequest.provider}`))
    .where(and(eq(t.pullRequest.state, 'open'), eq(t.gitIntegration.active, true)))
    .orderBy(sql`${t.pullRequest.lastPolledAt} ASC NULLS FIRST`, asc(t.pullRequest.createdAt))
    .limit(batchSize);
  const readers = new Map<string, Promise<ProviderReader | null>>();
  let made = 0;
  for (const { pr, integrationId } of open) {
    try {
      if (!readers.has(integrationId)) readers.set(integrationId, providerReader(deps, pr.organizationId, integrationId));
      const reader = await readers.get(integrationId);
      if (!reader) continue;
      made += await pollOne(deps, reader, pr, integrationId);
    } catch (error) {
      deps.log(`the review poller could not read ${pr.repository}#${pr.number}: ${toError(error).message}`);
    } finally {
      await deps.db.update(t.pullRequest).set({ lastPolledAt: Date.now() }).where(eq(t.pullRequest.id, pr.id));
    }
  }
  return made;
}

async function pollOne(deps: PollerDeps, reader: ProviderReader, pr: typeof t.pullRequest.$inferSelect, integrationId: string): Promise<number> {
  const target = { provider: pr.provider === 'bitbucket' ? ('bitbucket' as const) : ('github' as const), repository: pr.repository, number: pr.number };
  const base = { organizationId: pr.organizationId, integrationId, source: 'poller' as const };
  const settled = Date.now() - (deps.webhookGraceMs ?? webhookGraceMs);
  const reviews = (await reader.reviews(pr.repository, pr.number)).filter((r) => r.submittedAt === null || r.submittedAt <= settled);
  const known = reviews.length
    ? await deps.db
        .select({ key: t.pullRequestReview.reviewKey })
        .from(t.pullRequestReview)
        .where(and(eq(t.pullRequestReview.pullRequestId, pr.id), inArray(t.pullRequestReview.reviewKey, reviews.map((r) => r.key))))
    : [];
  const unknown = reviews.filter((r) => !known.some((k) => k.key === r.key));
  // A Bitbucket change request still standing after a revision has a new key, but is no new review.
  const fresh = target.provider === 'bitbucket' ? await newBitbucketChangeRequests(deps.db, pr.id, unknown) : unknown;
  let made = 0;
  for (const review of fresh) {
    const receipt = await receiveDelivery(deps.db, {
      ...base,
      deliveryId: `poll:${pr.id}:review:${review.key}`,
      event: `poll.review.${review.state}`,
      hostEvent: { kind: 'review', ...target, review },
    });
    if (receipt.status !== 'duplicate') made += 1;
  }
  const state = await reader.state(pr.repository, pr.number);
  if (state !== 'open') {
    await receiveDelivery(deps.db, { ...base, deliveryId: `poll:${pr.id}:state:${state}`, event: `poll.pull_request.${state}`, hostEvent: { kind: 'state', ...target, state } });
    made += 1;
  }
  return made;
}

