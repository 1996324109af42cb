// What a processed review teaches (lib/knowledge): its inline comments become knowledge entries,
// or evidence for entries of the same kind; a retriggered job that completes resolved the review's threads.
import { and, eq } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { learnFromResolvedReview, learnFromReview } from '../knowledge/learn.ts';
import type { PullRequestRow } from './pull-requests.ts';

/** Learns from a stored review's inline comments (idempotent per review). */
export async function learnFromStoredReview(tx: DbOrTx, pr: PullRequestRow, review: { id: string; reviewer: string; comments: t.ReviewComment[] }): Promise<void> {
  if (review.comments.length === 0) return;
  const [ticket] = pr.ticketId ? await tx.select({ projectId: t.ticket.projectId }).from(t.ticket).where(eq(t.ticket.id, pr.ticketId)) : [];
  await learnFromReview(tx, {
    organizationId: pr.organizationId,
    projectId: ticket?.projectId ?? null,
    ticketId: pr.ticketId,
    pullRequest: { repository: pr.repository, number: pr.number, url: pr.url },
    reviewer: review.reviewer,
    reviewId: review.id,
    comments: review.comments.map((comment) => ({ path: comment.path, line: comment.line, body: comment.body, diffHunk: comment.diffHunk })),
  });
}

/** A job ended: if it was a review's retrigger and completed, the review's threads count as resolved by it. */
export async function reviewJobFinished(tx: DbOrTx, job: { id: string; organizationId: string }, status: string): Promise<void> {
  if (status !== 'completed') return;
  const [retrigger] = await tx
    .select({ reviewId: t.reviewRetrigger.reviewId })
    .from(t.reviewRetrigger)
    .where(and(eq(t.reviewRetrigger.jobId, job.id), eq(t.reviewRetrigger.outcome, 'retriggered')));
  if (retrigger) await learnFromResolvedReview(tx, { organizationId: job.organizationId, reviewId: retrigger.reviewId });
}
