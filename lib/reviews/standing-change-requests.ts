// Bitbucket keeps a reviewer's "changes requested" standing when new commits are pushed, and
// has no id for a change request: the review loop keys one by its reviewer and the pull
// request's source commit (bitbucketChangeRequestKey), as the webhook's payload names them.
// After the runner pushes a revision, the poller finds the same standing request under the new
// commit's key. It is a new request only if the reviewer was active on the pull request after
// both the last change request of theirs recorded there and the last revision a retriggered job
// of the pull request finished (none counts while one is still running): a request made again
// after the revision — what Bitbucket's webhook reports as `pullrequest:changes_request_created` —
// is new; one that merely still stands is not. A reviewer's first request on a pull request is
// always new, keyed as the webhook keys it, so webhook and poller agree on it.
//
// Bitbucket's participant time is the reviewer's latest activity, which a comment moves as well:
// a comment after the revision on a still-standing request is taken for a new request (the
// retrigger guards, and the one-per-hour limit, still decide on it).
import { and, eq } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { bitbucketChangeRequestReviewer, type HostReview } from './host-events.ts';

/** The change requests among `reviews` (read by the poller, keys not yet recorded) that are new, not still standing. */
export async function newBitbucketChangeRequests(db: DbOrTx, pullRequestId: string, reviews: HostReview[]): Promise<HostReview[]> {
  if (reviews.length === 0) return reviews;
  const recorded = await db
    .select({ key: t.pullRequestReview.reviewKey, submittedAt: t.pullRequestReview.submittedAt, createdAt: t.pullRequestReview.createdAt })
    .from(t.pullRequestReview)
    .where(and(eq(t.pullRequestReview.pullRequestId, pullRequestId), eq(t.pullRequestReview.state, 'changes_requested')));
  if (recorded.length === 0) return reviews;
  const revisions = await db
    .select({ finishedAt: t.job.finishedAt })
    .from(t.reviewRetrigger)
    .innerJoin(t.job, eq(t.job.id, t.reviewRetrigger.jobId))
    .where(and(eq(t.reviewRetrigger.pullRequestId, pullRequestId), eq(t.reviewRetrigger.outcome, 'retriggered')));
  return newAmong(reviews, recorded, revisions);
}

export type RecordedChangeRequest = { key: string; submittedAt: number | null; createdAt: number };

/** The rule above on what was read: `revisions` are the pull request's retriggered jobs (finishedAt null: still running). */
export function newAmong(reviews: HostReview[], recorded: RecordedChangeRequest[], revisions: { finishedAt: number | null }[]): HostReview[] {
  const lastRevision = Math.max(0, ...revisions.map((r) => r.finishedAt ?? Number.POSITIVE_INFINITY));
  return reviews.filter((review) => {
    const reviewer = bitbucketChangeRequestReviewer(review.key);
    const theirs = recorded.filter((r) => bitbucketChangeRequestReviewer(r.key) === reviewer);
    if (theirs.length === 0) return true;
    const since = Math.max(lastRevision, ...theirs.map((r) => Math.max(r.submittedAt ?? 0, r.createdAt)));
    return review.submittedAt !== null && review.submittedAt > since;
  });
}
