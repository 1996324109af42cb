// The task that processes a stored delivery (./deliveries.ts): a pull request's new state, or
// a review — stored with its inline comments (pull_request_review, what issue 20's knowledge
// reads) and, for "changes requested", put through the retrigger guards (./retrigger.ts).
// Its outcome is written on the delivery for Settings → Integrations.
import { nanoid } from 'nanoid';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { toError } from '@spedy/protocol/errors';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import type { Db } from '../db/client.ts';
import { pullRequestReview } from '../db/schema.ts';
import type { Keyring } from '../secrets/vault.ts';
import type { OneOffTask } from '../tasks/queue.ts';
import { processDeliveryTask, recordDeliveryOutcome, type DeliveryTaskPayload } from './deliveries.ts';
import { hostEvent, type HostEvent } from './host-events.ts';
import { providerReader } from './provider-reviews.ts';
import { findLinkedPullRequest, setPullRequestState } from './pull-requests.ts';
import { retriggerForReview } from './retrigger.ts';
import { learnFromStoredReview } from './review-knowledge.ts';

const payload = z.object({ deliveryRowId: z.string(), organizationId: z.string(), integrationId: z.string(), hostEvent }) satisfies z.ZodType<DeliveryTaskPayload>;

export type ReviewDeps = { db: Db; keyring: Keyring; transport: ProviderTransport };

export function processReviewDeliveries(deps: ReviewDeps): OneOffTask {
  return {
    identifier: processDeliveryTask,
    async run(raw) {
      const task = payload.parse(raw);
      try {
        const { outcome, detail } = await processDelivery(deps, task);
        await recordDeliveryOutcome(deps.db, task.deliveryRowId, outcome, detail);
      } catch (error) {
        // Retried by the queue; the list shows the latest failure meanwhile.
        await recordDeliveryOutcome(deps.db, task.deliveryRowId, 'error', toError(error).message);
        throw error;
      }
    },
  };
}

type Outcome = { outcome: 'processed' | 'ignored'; detail: string };

async function processDelivery(deps: ReviewDeps, task: DeliveryTaskPayload): Promise<Outcome> {
  const event = task.hostEvent;
  if (event.kind === 'ignored') return { outcome: 'ignored', detail: event.reason };
  const ref = { organizationId: task.organizationId, provider: event.provider, repository: event.repository, number: event.number };
  const notLinked: Outcome = { outcome: 'ignored', detail: `${event.repository}#${event.number} is not a pull request a runner opened.` };
  if (event.kind === 'state') {
    return deps.db.transaction(async (tx) => {
      const pr = await findLinkedPullRequest(tx, ref, { lock: true });
      if (!pr) return notLinked;
      const changed = await setPullRequestState(tx, pr.id, event.state);
      return { outcome: 'processed', detail: changed ? `${event.repository}#${event.number} is ${event.state}.` : `${event.repository}#${event.number} was already ${event.state}.` };
    });
  }
  if (!(await findLinkedPullRequest(deps.db, ref))) return notLinked;
  const review = await withComments(deps, task, event);
  return deps.db.transaction(async (tx) => {
    const pr = await findLinkedPullRequest(tx, ref, { lock: true });
    if (!pr) return notLinked;
    await tx
      .insert(pullRequestReview)
      .values({
        id: nanoid(),
        organizationId: pr.organizationId,
        pullRequestId: pr.id,
        ticketId: pr.ticketId,
        reviewKey: review.key,
        reviewer: review.reviewer,
        state: review.state,
        summary: review.summary,
        comments: review.comments ?? [],
        submittedAt: review.submittedAt,
        createdAt: Date.now(),
      })
      .onConflictDoNothing({ target: [pullRequestReview.pullRequestId, pullRequestReview.reviewKey] });
    const [stored] = await tx
      .select()
      .from(pullRequestReview)
      .where(and(eq(pullRequestReview.pullRequestId, pr.id), eq(pullRequestReview.reviewKey, review.key)));
    await learnFromStoredReview(tx, pr, stored);
    if (stored.state !== 'changes_requested') return { outcome: 'processed', detail: `Stored ${stored.reviewer}'s review (${stored.state.replace('_', ' ')}).` };
    const decision = await retriggerForReview(tx, pr, { id: stored.id, reviewer: stored.reviewer, summary: stored.summary, comments: stored.comments });
    return { outcome: 'processed', detail: decision.message };
  });
}

/** The review with its inline comments: the poller read them already; a webhook's review has them read from the host. */
async function withComments(deps: ReviewDeps, task: DeliveryTaskPayload, event: Extract<HostEvent, { kind: 'review' }>) {
  if (event.review.comments) return event.review;
  const reader = await providerReader(deps, task.organizationId, task.integrationId);
  if (!reader) throw new Error('The integration has no token to read the review with; reconnect it in Settings → Integrations.');
  const read = await reader.reviewComments(event.repository, event.number, event.review.key);
  return { ...event.review, summary: event.review.summary || read.summary || '', comments: read.comments };
}
