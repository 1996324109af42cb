// Delivering a review retrigger's revision (review-target.ts): the commit is already pushed
// on top of the pull request's branch (a fast-forward: a push is never forced); Spedy says
// so on the pull request and reports that same pull request, so the platform keeps it linked.
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import { toError } from '@spedy/protocol/errors';
import type { PullRequestTarget, ReviewFeedback } from '@spedy/protocol/wire';
import type { RepositoryCheckout } from '../git/checkout.ts';
import { commentOnPullRequest } from '../providers/pull-request-comments.ts';
import type { DeliveredPullRequest } from './delivery.ts';
import { InfrastructureFailure, WorkFailure } from './failures.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import type { RepositoryTarget } from './review-target.ts';
import { revisionComment } from './revision-text.ts';

/** After the push: the comment on the pull request, and the same pull request reported again. */
export async function reportRevision(run: JobRun, access: GitProviderAccess, review: ReviewFeedback, sha: string): Promise<DeliveredPullRequest> {
  const { pullRequest } = review;
  const body = run.mask(revisionComment(run.job, { sha, review, stages: run.finishedStages() }, run.secrets.mask));
  run.limits.throwIfReached();
  try {
    // Keyed by the job: a job resumed after its comment was posted does not post it again.
    await commentOnPullRequest(access, { fullName: pullRequest.repository, number: pullRequest.number, body, key: `revision-of-job-${run.job.id}` }, run.limits.signal);
  } catch (error) {
    run.limits.throwIfReached();
    // The revision is on the pull request already; only the note about it is missing.
    run.emit(jobEvent.notice(`The revision ${sha.slice(0, 12)} is pushed to pull request #${pullRequest.number}, but commenting on it failed: ${toError(error).message}`));
  }
  const delivered = { repository: pullRequest.repository, url: pullRequest.url, number: pullRequest.number, branch: pullRequest.branch };
  run.emit(jobEvent.pullRequest(delivered));
  run.emit(jobEvent.notice(`Pushed the revision ${sha.slice(0, 12)} to pull request #${pullRequest.number} (${pullRequest.branch}).`));
  return delivered;
}

/** Why a push failed, for the job's reason: a revised branch that moved on is refused, never overwritten. */
export function pushFailure(checkout: RepositoryCheckout, target: RepositoryTarget, error: unknown): Error {
  const message = toError(error).message;
  if (target.kind === 'revise' && /non-fast-forward|fetch first|\[rejected\]/i.test(message)) {
    return new WorkFailure(revisedBranchMovedReason(target.pullRequest));
  }
  return new InfrastructureFailure(`Pushing ${checkout.branch} to ${checkout.repository.fullName} failed: ${message}`);
}

function revisedBranchMovedReason(pullRequest: PullRequestTarget): string {
  return (
    `The branch ${pullRequest.branch} of pull request #${pullRequest.number} moved on while the job ran (someone pushed to it), ` +
    'and Spedy never force-pushes: nothing was pushed. Retrigger the review to revise the branch as it is now.'
  );
}
