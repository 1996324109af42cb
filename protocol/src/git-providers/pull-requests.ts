// Opening the pull request of a job's branch, on whichever host the repository lives.
import type { GitProviderAccess } from './access.ts';
import { bitbucketClient } from './bitbucket.ts';
import { githubClient } from './github.ts';
import type { ProviderTransport } from './http.ts';
import type { OpenedPullRequest, PullRequestDraft } from './repository.ts';

export function openPullRequest(access: GitProviderAccess, draft: PullRequestDraft, transport: ProviderTransport): Promise<OpenedPullRequest> {
  return access.provider === 'github' ? githubClient(access, transport).openPullRequest(draft) : bitbucketClient(access, transport).openPullRequest(draft);
}
