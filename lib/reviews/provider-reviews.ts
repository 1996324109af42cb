// Reading reviews, inline comments and pull request states from the git host with the
// integration's credentials (the platform's own calls, through the address guard).
import { and, eq } from 'drizzle-orm';
import { bitbucketClient } from '@spedy/protocol/git-providers/bitbucket';
import { githubClient } from '@spedy/protocol/git-providers/github';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import type { Db } from '../db/client.ts';
import { gitIntegration } from '../db/schema.ts';
import type { PullRequestState, ReviewComment } from '../db/review-schema.ts';
import { gitAccessFor } from '../secrets/git-access.ts';
import type { Keyring } from '../secrets/vault.ts';
import { bitbucketChangeRequestKey, maxDiffHunkLength, type HostReview } from './host-events.ts';

export type ProviderReader = {
  state(repository: string, number: number): Promise<PullRequestState>;
  /** Every review, oldest first, with its inline comments (Bitbucket's without: `reviewComments` reads them when one is processed). */
  reviews(repository: string, number: number): Promise<HostReview[]>;
  /** The inline comments of one review (`key` as in HostReview). */
  reviewComments(repository: string, number: number, key: string): Promise<{ comments: ReviewComment[]; summary?: string }>;
};

/** A hunk past what a stored review keeps is left out: the comment still counts, without its context. */
const inlineComment = ({ path, line, body, diffHunk }: ReviewComment): ReviewComment => ({
  path,
  line,
  body,
  ...(diffHunk && diffHunk.length <= maxDiffHunkLength ? { diffHunk } : {}),
});

export async function providerReader(deps: { db: Db; keyring: Keyring; transport: ProviderTransport }, organizationId: string, integrationId: string): Promise<ProviderReader | null> {
  const [integration] = await deps.db
    .select()
    .from(gitIntegration)
    .where(and(eq(gitIntegration.id, integrationId), eq(gitIntegration.organizationId, organizationId)));
  if (!integration) return null;
  // The same credentials a runner gets: a GitHub App's minted installation token, a Bitbucket API token with its email.
  const [access] = (await gitAccessFor(deps.db, deps.keyring, organizationId, [{ provider: integration.provider, fullName: '' }])).git;
  if (!access) return null;
  const { token } = access;
  if (integration.provider === 'github') {
    const github = githubClient({ apiUrl: integration.apiUrl, token }, deps.transport);
    const commentsOf = async (repository: string, number: number) => github.reviewComments(repository, number);
    return {
      state: (repository, number) => github.pullRequestState(repository, number),
      async reviews(repository, number) {
        const [reviews, comments] = await Promise.all([github.reviews(repository, number), commentsOf(repository, number)]);
        return reviews.flatMap((r) => {
          const state = r.state.toLowerCase();
          if (state !== 'changes_requested' && state !== 'commented' && state !== 'approved') return [];
          const own = comments.filter((c) => c.reviewId === r.id).map(inlineComment);
          return [{ key: String(r.id), reviewer: r.reviewer, state, summary: r.body, submittedAt: r.submittedAt ? Date.parse(r.submittedAt) : null, comments: own }];
        });
      },
      async reviewComments(repository, number, key) {
        const comments = await commentsOf(repository, number);
        return { comments: comments.filter((c) => String(c.reviewId) === key).map(inlineComment) };
      },
    };
  }
  const bitbucket = bitbucketClient({ apiUrl: integration.apiUrl, token, username: integration.username, email: access.email }, deps.transport);
  // A Bitbucket change request has no text of its own: its inline comments are the feedback, the others its summary.
  // The client cuts each inline comment's diff hunk from the pull request's current diff.
  const feedback = async (repository: string, number: number) => {
    const all = await bitbucket.pullRequestComments(repository, number);
    return {
      comments: all.flatMap((c) => (c.path ? [inlineComment({ path: c.path, line: c.line, body: c.body, diffHunk: c.diffHunk })] : [])),
      summary: all.filter((c) => !c.path).map((c) => c.body).join('\n\n'),
    };
  };
  return {
    state: async (repository, number) => (await bitbucket.pullRequestReviewState(repository, number)).state,
    // Without their comments: a change request the poller hands on has them read when it is processed, as a
    // webhook's does, so a poll does not read every open pull request's comments and diff each round.
    async reviews(repository, number) {
      const { changesRequested, sourceCommit } = await bitbucket.pullRequestReviewState(repository, number);
      return changesRequested.map((r) => ({ key: bitbucketChangeRequestKey(r.uuid, sourceCommit), reviewer: r.reviewer, state: 'changes_requested' as const, summary: '', submittedAt: r.at ? Date.parse(r.at) : null }));
    },
    reviewComments: (repository, number) => feedback(repository, number),
  };
}
