// Commenting on a pull request through the shared git-provider clients, with the supervisor's
// transport and retry policy (as pull-requests.ts opens them). Each attempt first looks for the
// comment of `key` on the pull request, so a retry after the host took the first one posts none.
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import { commentOnPullRequest as commentOnHost } from '@spedy/protocol/git-providers/pull-request-comments';
import type { PostedComment } from '@spedy/protocol/git-providers/repository';
import { withRetry } from '../api/retry.ts';

const commentRetry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 };

export function commentOnPullRequest(access: GitProviderAccess, target: { fullName: string; number: number; body: string; key: string }, signal?: AbortSignal): Promise<PostedComment> {
  return withRetry(() => commentOnHost(access, target, { timeoutMs: 30_000, signal, redirect: 'follow' }), { policy: commentRetry, signal });
}
