// Opening the pull request of a job's branch through the shared git-provider clients, with
// the supervisor's transport: the job's cancel signal, 30 s per request, redirects followed
// (GitHub answers a renamed repository with one), and its one retry policy.
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import { openPullRequest as openOnHost } from '@spedy/protocol/git-providers/pull-requests';
import type { OpenedPullRequest, PullRequestDraft } from '@spedy/protocol/git-providers/repository';
import { withRetry } from '../api/retry.ts';

/** A failed attempt is retried by the supervisor's one policy (429, 5xx, no answer), a few times. */
const pullRequestRetry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 };

export function openPullRequest(access: GitProviderAccess, draft: PullRequestDraft, signal?: AbortSignal): Promise<OpenedPullRequest> {
  return withRetry(() => openOnHost(access, draft, { timeoutMs: 30_000, signal, redirect: 'follow' }), { policy: pullRequestRetry, signal });
}
