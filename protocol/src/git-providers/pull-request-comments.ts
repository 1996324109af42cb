// Commenting on a pull request (the revision a review retrigger pushed), on whichever host the repository lives.
import type { GitProviderAccess } from './access.ts';
import { bitbucketClient } from './bitbucket.ts';
import { githubClient } from './github.ts';
import type { ProviderTransport } from './http.ts';
import type { PostedComment } from './repository.ts';

/** The hidden line that names who posted a comment (an HTML comment: neither host renders it). */
export const commentMarker = (key: string) => `<!-- spedy:${key} -->`;

/**
 * Posts `body` once per `key`: the comment carries the key's hidden marker, and a comment that
 * already carries it (a retried request whose first attempt reached the host) is returned instead.
 */
export async function commentOnPullRequest(
  access: GitProviderAccess,
  target: { fullName: string; number: number; body: string; key: string },
  transport: ProviderTransport,
): Promise<PostedComment> {
  const client = access.provider === 'github' ? githubClient(access, transport) : bitbucketClient(access, transport);
  const marker = commentMarker(target.key);
  const existing = await client.findComment(target.fullName, target.number, marker);
  if (existing) return existing;
  return client.commentOnPullRequest(target.fullName, target.number, `${target.body}\n\n${marker}`);
}
