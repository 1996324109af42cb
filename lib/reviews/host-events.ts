// What a git host's webhook delivery means for the review loop, in one shape for both hosts:
// a review on a pull request, a pull request's new state, or something we do not act on.
// Payload shapes: GitHub's webhook events (docs.github.com/webhooks/webhook-events-and-payloads)
// and Bitbucket Cloud's event payloads (support.atlassian.com/bitbucket-cloud/docs/event-payloads).
import { z } from 'zod';
import { pullRequestStates } from '../db/review-schema.ts';

/** The longest diff hunk a stored review comment keeps. */
export const maxDiffHunkLength = 100_000;

export const reviewComment = z.object({ path: z.string(), line: z.number().int().nullable(), body: z.string(), diffHunk: z.string().max(maxDiffHunkLength).optional() });

export const hostReview = z.object({
  /** The host's id of the review: what makes a review "the same review" across webhook and poller. */
  key: z.string().min(1),
  reviewer: z.string(),
  state: z.enum(['changes_requested', 'commented', 'approved']),
  summary: z.string(),
  submittedAt: z.number().nullable(),
  /** Absent: the review's inline comments are read from the host when it is processed. */
  comments: z.array(reviewComment).max(500).optional(),
});
export type HostReview = z.infer<typeof hostReview>;

const target = { provider: z.enum(['github', 'bitbucket']), repository: z.string().min(1), number: z.number().int().positive() };

export const hostEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('review'), ...target, review: hostReview }),
  z.object({ kind: z.literal('state'), ...target, state: z.enum(pullRequestStates) }),
  z.object({ kind: z.literal('ignored'), reason: z.string() }),
]);
export type HostEvent = z.infer<typeof hostEvent>;

export type ParsedDelivery = { ok: true; event: string; hostEvent: HostEvent } | { ok: false; message: string };

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) || null : null);
const repository = z.object({ full_name: z.string().min(1) });

const githubReview = z.object({
  action: z.string(),
  review: z.object({
    id: z.number().int(),
    user: z.object({ login: z.string() }).nullable(),
    body: z.string().nullable(),
    state: z.string(),
    submitted_at: z.string().nullable().optional(),
  }),
  pull_request: z.object({ number: z.number().int().positive() }),
  repository,
});
const githubPullRequest = z.object({
  action: z.string(),
  pull_request: z.object({ number: z.number().int().positive(), merged: z.boolean().nullable().optional() }),
  repository,
});
const githubReviewComment = z.object({ action: z.string(), comment: z.object({ id: z.number().int() }), pull_request: z.object({ number: z.number().int() }), repository });

function reviewState(state: string): HostReview['state'] | null {
  const s = state.toLowerCase();
  return s === 'changes_requested' || s === 'commented' || s === 'approved' ? s : null;
}

/** A GitHub delivery (`X-GitHub-Event` and the parsed body). */
export function parseGithubDelivery(eventName: string, body: unknown): ParsedDelivery {
  const malformed = (error: z.ZodError) => ({ ok: false as const, message: `This is not a GitHub ${eventName} payload: ${error.issues[0]?.path.join('.')} ${error.issues[0]?.message}` });
  if (eventName === 'pull_request_review') {
    const parsed = githubReview.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    const { action, review, pull_request: pr, repository: repo } = parsed.data;
    const event = `pull_request_review.${action}`;
    const state = reviewState(review.state);
    if (action !== 'submitted' || !state) return { ok: true, event, hostEvent: { kind: 'ignored', reason: `A review ${action} (${review.state}) needs nothing.` } };
    return {
      ok: true,
      event,
      hostEvent: {
        kind: 'review',
        provider: 'github',
        repository: repo.full_name,
        number: pr.number,
        review: { key: String(review.id), reviewer: review.user?.login ?? 'unknown', state, summary: review.body ?? '', submittedAt: time(review.submitted_at) },
      },
    };
  }
  if (eventName === 'pull_request') {
    const parsed = githubPullRequest.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    const { action, pull_request: pr, repository: repo } = parsed.data;
    const event = `pull_request.${action}`;
    const state = action === 'closed' ? (pr.merged ? 'merged' : 'closed') : action === 'reopened' ? 'open' : null;
    if (!state) return { ok: true, event, hostEvent: { kind: 'ignored', reason: `A pull request ${action} needs nothing.` } };
    return { ok: true, event, hostEvent: { kind: 'state', provider: 'github', repository: repo.full_name, number: pr.number, state } };
  }
  if (eventName === 'pull_request_review_comment') {
    const parsed = githubReviewComment.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    return { ok: true, event: `pull_request_review_comment.${parsed.data.action}`, hostEvent: { kind: 'ignored', reason: 'Inline comments are read with the review they belong to.' } };
  }
  return { ok: true, event: eventName || 'unknown', hostEvent: { kind: 'ignored', reason: `The ${eventName || 'unnamed'} event needs nothing.` } };
}

const bitbucketPullRequest = z.object({ id: z.number().int().positive() });
const bitbucketActor = z.object({ display_name: z.string().optional(), nickname: z.string().optional(), uuid: z.string().optional() });
const bitbucketChangesRequest = z.object({
  actor: bitbucketActor.optional(),
  pullrequest: bitbucketPullRequest.extend({ source: z.object({ commit: z.object({ hash: z.string().min(7) }) }) }),
  repository,
  changes_request: z.object({ date: z.string().optional(), user: bitbucketActor }),
});
const bitbucketState = z.object({ pullrequest: bitbucketPullRequest, repository });
const bitbucketComment = z.object({ pullrequest: bitbucketPullRequest, repository, comment: z.object({ id: z.number().int() }) });

/**
 * Bitbucket has no review id. A change request is its reviewer's on the pull request's source
 * commit: the webhook's payload and the poller's read of the pull request both name that commit
 * (short or full: cut to Bitbucket's 12 characters), while their times differ (the change
 * request's date, the participant's latest activity). A request made after a revision is a new
 * one; one that merely still stands after it is told apart by the poller (standing-change-requests.ts).
 */
export function bitbucketChangeRequestKey(reviewerUuid: string, sourceCommit: string | null): string {
  return `${reviewerUuid}@${sourceCommit ? sourceCommit.slice(0, 12).toLowerCase() : 'unknown-commit'}`;
}

/** Whose change request a key (bitbucketChangeRequestKey) is: the reviewer part, without the commit. */
export function bitbucketChangeRequestReviewer(key: string): string {
  const at = key.lastIndexOf('@');
  return at < 0 ? key : key.slice(0, at);
}

/** A Bitbucket Cloud delivery (`X-Event-Key` and the parsed body). */
export function parseBitbucketDelivery(eventKey: string, body: unknown): ParsedDelivery {
  const malformed = (error: z.ZodError) => ({ ok: false as const, message: `This is not a Bitbucket ${eventKey} payload: ${error.issues[0]?.path.join('.')} ${error.issues[0]?.message}` });
  if (eventKey === 'pullrequest:changes_request_created') {
    const parsed = bitbucketChangesRequest.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    const { pullrequest: pr, repository: repo, changes_request: request } = parsed.data;
    const reviewer = request.user.display_name ?? request.user.nickname ?? 'unknown';
    return {
      ok: true,
      event: eventKey,
      hostEvent: {
        kind: 'review',
        provider: 'bitbucket',
        repository: repo.full_name,
        number: pr.id,
        review: {
          key: bitbucketChangeRequestKey(request.user.uuid ?? reviewer, pr.source.commit.hash),
          reviewer,
          state: 'changes_requested',
          summary: '',
          submittedAt: time(request.date),
        },
      },
    };
  }
  if (eventKey === 'pullrequest:fulfilled' || eventKey === 'pullrequest:rejected') {
    const parsed = bitbucketState.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    const state = eventKey === 'pullrequest:fulfilled' ? 'merged' : 'closed';
    return { ok: true, event: eventKey, hostEvent: { kind: 'state', provider: 'bitbucket', repository: parsed.data.repository.full_name, number: parsed.data.pullrequest.id, state } };
  }
  if (eventKey === 'pullrequest:comment_created') {
    const parsed = bitbucketComment.safeParse(body);
    if (!parsed.success) return malformed(parsed.error);
    return { ok: true, event: eventKey, hostEvent: { kind: 'ignored', reason: 'Comments are read with the change request they belong to.' } };
  }
  return { ok: true, event: eventKey || 'unknown', hostEvent: { kind: 'ignored', reason: `The ${eventKey || 'unnamed'} event needs nothing.` } };
}
