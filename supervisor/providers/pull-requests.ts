// Opening the pull request of a job's branch, on whichever host the repository lives.
import { withRetry } from '../api/retry.ts';
import { openBitbucketPullRequest } from './bitbucket.ts';
import { openGithubPullRequest } from './github.ts';
import type { GitProviderAccess } from './provider-access.ts';

export interface PullRequestDraft {
  /** owner/name (GitHub) or workspace/slug (Bitbucket). */
  fullName: string;
  /** The job's branch. */
  head: string;
  /** The repository's base branch. */
  base: string;
  title: string;
  body: string;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
}

/** A failed attempt is retried by the supervisor's one policy (429, 5xx, no answer), a few times. */
const pullRequestRetry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 };

export function openPullRequest(access: GitProviderAccess, draft: PullRequestDraft, signal?: AbortSignal): Promise<OpenedPullRequest> {
  const open = access.provider === 'github' ? openGithubPullRequest : openBitbucketPullRequest;
  return withRetry(() => open(access, draft, signal), { policy: pullRequestRetry, signal });
}
