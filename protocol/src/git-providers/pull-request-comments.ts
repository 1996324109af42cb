// Commenting on a pull request (the revision a review retrigger pushed), on whichever host the repository lives.
import type { GitProviderAccess } from './access.ts';
import { bitbucketClient } from './bitbucket.ts';
import { githubClient } from './github.ts';
import type { ProviderTransport } from './http.ts';
import type { PostedComment } from './repository.ts';

export function commentOnPullRequest(
  access: GitProviderAccess,
  target: { fullName: string; number: number; body: string },
  transport: ProviderTransport,
): Promise<PostedComment> {
  const client = access.provider === 'github' ? githubClient(access, transport) : bitbucketClient(access, transport);
  return client.commentOnPullRequest(target.fullName, target.number, target.body);
}
