// What a review retrigger (snapshot.review) does with each repository of the job. The pull
// request's own repository: while the pull request is open, the job works on its branch and
// delivers a new commit on top of it (the same pull request); once it is merged or closed,
// the job cuts a fresh branch from the base and opens a new pull request that follows it up
// (a "smart follow-up"). Every other repository of the job works as any job does.
import type { JobSnapshot, PullRequestTarget } from '@spedy/protocol/wire';

export type RepositoryTarget =
  | { kind: 'new-branch' }
  | { kind: 'revise'; pullRequest: PullRequestTarget }
  | { kind: 'follow-up'; pullRequest: PullRequestTarget };

/** What the job does in the repository `fullName` (as in snapshot.repositories). */
export function repositoryTarget(snapshot: Pick<JobSnapshot, 'review'>, fullName: string): RepositoryTarget {
  const pullRequest = snapshot.review?.pullRequest;
  if (!pullRequest || pullRequest.repository.toLowerCase() !== fullName.toLowerCase()) return { kind: 'new-branch' };
  return pullRequest.state === 'open' ? { kind: 'revise', pullRequest } : { kind: 'follow-up', pullRequest };
}

export interface RepositoryBranch {
  /** The branch the job works on and pushes to. */
  branch: string;
  /** The remote branch it starts from: the pull request's branch when revising, otherwise the base branch. */
  startFrom: string;
}

/**
 * The branch of a repository: the pull request's when revising it; otherwise the job's own
 * branch (unique per job), never the old pull request's name for a follow-up.
 */
export function repositoryBranch(target: RepositoryTarget, jobBranch: string, baseBranch: string): RepositoryBranch {
  if (target.kind === 'revise') return { branch: target.pullRequest.branch, startFrom: target.pullRequest.branch };
  const branch = target.kind === 'follow-up' && jobBranch === target.pullRequest.branch ? `${jobBranch}-follow-up` : jobBranch;
  return { branch, startFrom: baseBranch };
}

/** A repository of the snapshot: its target and branch in this job. */
export function branchOfRepository(
  snapshot: Pick<JobSnapshot, 'review'>,
  repository: { fullName: string; baseBranch: string },
  jobBranch: string,
): RepositoryBranch & { target: RepositoryTarget } {
  const target = repositoryTarget(snapshot, repository.fullName);
  return { target, ...repositoryBranch(target, jobBranch, repository.baseBranch) };
}
