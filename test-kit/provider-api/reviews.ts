// Reviews in the provider stand-in, per pull request, in each host's real shape:
//   GitHub:    GET {url}/github/repos/:owner/:repo/pulls/:number            (state, merged)
//              GET {url}/github/repos/:owner/:repo/pulls/:number/reviews
//              GET {url}/github/repos/:owner/:repo/pulls/:number/comments   (inline comments, with diff_hunk)
//   Bitbucket: GET {url}/bitbucket/2.0/repositories/:ws/:slug/pullrequests/:id           (state, participants)
//              GET {url}/bitbucket/2.0/repositories/:ws/:slug/pullrequests/:id/comments   (inline.to; its diff: pull-request-diffs.ts)
// Tests post a review with `reviews.post(…)` and deliver the host's signed webhook for it with
// `reviews.deliver(…)`, as the host would after a reviewer submits one.
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullRequestDiffs } from './pull-request-diffs.ts';
import type { PullRequestStore } from './pulls.ts';
import { diffHunkAt, type DiffSide } from '@spedy/protocol/git-providers/diff-hunks';
import { send } from './http.ts';

type Provider = 'github' | 'bitbucket';
export type StandInReviewState = 'CHANGES_REQUESTED' | 'COMMENTED' | 'APPROVED';

export type StandInReview = {
  provider: Provider;
  repository: string;
  number: number;
  id: number;
  reviewer: string;
  state: StandInReviewState;
  body: string;
  submittedAt: string;
  /** `diffHunk`: GitHub's diff_hunk, cut from the posted `diff` (diff-hunks.ts); empty without one. */
  comments: { id: number; path: string; line: number; side?: DiffSide; body: string; diffHunk: string }[];
};

export type ReviewPost = {
  provider?: Provider;
  repository: string;
  number: number;
  reviewer: string;
  state?: StandInReviewState;
  body?: string;
  /** `side: 'old'`: a comment on a removed line, `line` being the old file's (GitHub's LEFT side; Bitbucket's inline.from). */
  comments?: { path: string; line: number; side?: DiffSide; body: string }[];
  /** The pull request's unified diff (`git diff base...head`): GitHub's diff_hunk of each comment; Bitbucket's pull request diff from now on. */
  diff?: string;
  /** When the reviewer submitted it (default: now). */
  submittedAt?: Date;
};

export type Delivery = { status: number; body: string; deliveryId: string };

export type ReviewStore = {
  /** Adds a review (with its inline comments) to a pull request; the host's lists show it from now on. */
  post(review: ReviewPost): StandInReview;
  /** Marks a pull request merged or closed (or open again). */
  setState(provider: Provider, repository: string, number: number, state: 'open' | 'merged' | 'closed'): void;
  /**
   * POSTs the host's webhook for `review` to `url`, signed with `secret` (GitHub: X-Hub-Signature-256;
   * Bitbucket: X-Hub-Signature), as GitHub's `pull_request_review` (submitted) or Bitbucket's
   * `pullrequest:changes_request_created`. `deliveryId` repeats a delivery; `signature` overrides the signature.
   */
  deliver(url: string, secret: string, review: StandInReview, options?: { deliveryId?: string; signature?: string | null }): Promise<Delivery>;
  /** GitHub's routes above; false when `rest` (after /repos/:owner/:repo) is not one. */
  github(req: IncomingMessage, res: ServerResponse, fullName: string, rest: string): boolean;
  /** Bitbucket's routes above; false when `path` is not one. */
  bitbucket(req: IncomingMessage, res: ServerResponse, path: string): boolean;
};


const latestOf = (reviews: StandInReview[], reviewer: string) =>
  reviews
    .filter((r) => r.reviewer === reviewer)
    .map((r) => r.submittedAt)
    .sort()
    .at(-1) ?? null;

const key = (provider: Provider, repository: string, number: number) => `${provider}:${repository.toLowerCase()}#${number}`;

/** A comment posted on a pull request through the comment routes (pull-request-comments.ts): Bitbucket lists it with the reviews' comments. */
type PostedComment = { id: number; body: string; author: string; url: string };

export function createReviewStore(
  pulls: PullRequestStore,
  urls: { githubUrl: string },
  posted: (repository: string, number: number) => PostedComment[],
  diffs: PullRequestDiffs,
): ReviewStore {
  const reviews: StandInReview[] = [];
  const states = new Map<string, 'open' | 'merged' | 'closed'>();
  let nextId = 80_000_000;

  const of = (provider: Provider, repository: string, number: number) => reviews.filter((r) => key(r.provider, r.repository, r.number) === key(provider, repository, number));
  const pullOf = (provider: Provider, repository: string, number: number) =>
    pulls.list({ provider, repository }).find((pr) => pr.number === number);
  const stateOf = (provider: Provider, repository: string, number: number) => states.get(key(provider, repository, number)) ?? pullOf(provider, repository, number)?.state ?? 'open';

  function githubPayload(review: StandInReview) {
    const pr = pullOf('github', review.repository, review.number);
    const [owner, name] = review.repository.split('/');
    const prApi = `${urls.githubUrl}/repos/${review.repository}/pulls/${review.number}`;
    // The shape of GitHub's published `pull_request_review` example (docs.github.com/webhooks/webhook-events-and-payloads#pull_request_review).
    return {
      action: 'submitted',
      review: {
        id: review.id,
        node_id: `PRR_${review.id}`,
        user: { login: review.reviewer, id: 21031067, type: 'User', site_admin: false },
        body: review.body,
        commit_id: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        submitted_at: review.submittedAt,
        state: review.state.toLowerCase(),
        html_url: `${pr?.url ?? prApi}#pullrequestreview-${review.id}`,
        pull_request_url: prApi,
        author_association: 'OWNER',
        _links: { html: { href: `${pr?.url ?? prApi}#pullrequestreview-${review.id}` }, pull_request: { href: prApi } },
      },
      pull_request: {
        url: prApi,
        id: 279147437,
        number: review.number,
        state: 'open',
        locked: false,
        title: pr?.title ?? 'Update the README with new information.',
        user: { login: pr?.author ?? 'Codertocat' },
        html_url: pr?.url ?? prApi,
        head: { ref: pr?.head ?? 'changes', label: `${owner}:${pr?.head ?? 'changes'}` },
        base: { ref: pr?.base ?? 'main', label: `${owner}:${pr?.base ?? 'main'}` },
      },
      repository: { id: 186853002, node_id: 'MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=', name, full_name: review.repository, private: false, owner: { login: owner } },
      sender: { login: review.reviewer, id: 21031067, type: 'User' },
    };
  }

  const sourceCommit = diffs.sourceCommit;

  function bitbucketPayload(review: StandInReview) {
    const pr = pullOf('bitbucket', review.repository, review.number);
    const user = { display_name: review.reviewer, uuid: `{${review.reviewer}}`, nickname: review.reviewer };
    const source = { branch: { name: pr?.head ?? '' }, commit: { hash: sourceCommit(review.repository, review.number) } };
    return {
      actor: user,
      pullrequest: { id: review.number, title: pr?.title ?? '', state: 'OPEN', source, links: { html: { href: pr?.url ?? '' } } },
      repository: { full_name: review.repository, name: review.repository.split('/')[1] },
      changes_request: { date: review.submittedAt, user },
    };
  }

  return {
    post(input) {
      const review: StandInReview = {
        provider: input.provider ?? 'github',
        repository: input.repository,
        number: input.number,
        id: nextId++,
        reviewer: input.reviewer,
        state: input.state ?? 'CHANGES_REQUESTED',
        body: input.body ?? '',
        submittedAt: (input.submittedAt ?? new Date()).toISOString(),
        comments: (input.comments ?? []).map((c) => ({ id: nextId++, ...c, diffHunk: (input.diff && diffHunkAt(input.diff, c.path, c.line, c.side)) || '' })),
      };
      reviews.push(review);
      if (review.provider === 'bitbucket' && input.diff !== undefined) diffs.setDiff(review.repository, review.number, input.diff);
      return review;
    },

    setState: (provider, repository, number, state) => void states.set(key(provider, repository, number), state),

    async deliver(url, secret, review, options = {}) {
      const github = review.provider === 'github';
      const body = JSON.stringify(github ? githubPayload(review) : bitbucketPayload(review));
      const deliveryId = options.deliveryId ?? randomUUID();
      const signature = options.signature === undefined ? `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` : options.signature;
      const headers: Record<string, string> = github
        ? { 'x-github-event': 'pull_request_review', 'x-github-delivery': deliveryId, 'user-agent': 'GitHub-Hookshot/test-kit', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) }
        : { 'x-event-key': 'pullrequest:changes_request_created', 'x-request-uuid': deliveryId, 'user-agent': 'Bitbucket-Webhooks/2.0', ...(signature === null ? {} : { 'x-hub-signature': signature }) };
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, body: await res.text(), deliveryId };
    },

    github(req, res, fullName, rest) {
      const match = /^\/pulls\/(\d+)(\/reviews|\/comments)?$/.exec(rest);
      if (req.method !== 'GET' || !match) return false;
      const number = Number(match[1]);
      if (match[2] === '/reviews') {
        send(res, 200, of('github', fullName, number).map((r) => ({ id: r.id, user: { login: r.reviewer }, body: r.body, state: r.state, submitted_at: r.submittedAt, commit_id: 'ec26c3e' })));
        return true;
      }
      if (match[2] === '/comments') {
        const comments = of('github', fullName, number).flatMap((r) =>
          r.comments.map((c) => ({ id: c.id, pull_request_review_id: r.id, path: c.path, line: c.line, original_line: c.line, side: c.side === 'old' ? 'LEFT' : 'RIGHT', diff_hunk: c.diffHunk, body: c.body, user: { login: r.reviewer } })),
        );
        send(res, 200, comments);
        return true;
      }
      const pr = pullOf('github', fullName, number);
      if (!pr) {
        send(res, 404, { message: 'Not Found', status: '404' });
        return true;
      }
      const state = stateOf('github', fullName, number);
      send(res, 200, { number, html_url: pr.url, state: state === 'open' ? 'open' : 'closed', merged: state === 'merged', merged_at: state === 'merged' ? new Date().toISOString() : null, head: { ref: pr.head }, base: { ref: pr.base } });
      return true;
    },

    bitbucket(req, res, path) {
      const match = /^\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/(\d+)(\/comments)?\/?$/.exec(path);
      if (req.method !== 'GET' || !match) return false;
      const fullName = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
      const number = Number(match[3]);
      const own = of('bitbucket', fullName, number);
      if (match[4]) {
        const values: Record<string, unknown>[] = own.flatMap((r) => [
          ...(r.body ? [{ id: r.id, content: { raw: r.body }, user: { display_name: r.reviewer } }] : []),
          ...r.comments.map((c) => ({
            id: c.id,
            content: { raw: c.body },
            inline: c.side === 'old' ? { path: c.path, from: c.line, to: null } : { path: c.path, from: null, to: c.line },
            user: { display_name: r.reviewer },
          })),
        ]);
        for (const c of posted(fullName, number)) values.push({ id: c.id, content: { raw: c.body }, user: { display_name: c.author }, links: { html: { href: c.url } } });
        send(res, 200, { pagelen: 100, size: values.length, page: 1, values });
        return true;
      }
      const state = stateOf('bitbucket', fullName, number);
      // One participant per reviewer who requested changes (a request stands across pushes, as on Bitbucket unless the
      // repository resets it); its time is the participant's latest activity (a later comment moves it), not the request's.
      const requesters = [...new Set(own.filter((r) => r.state === 'CHANGES_REQUESTED').map((r) => r.reviewer))];
      const participants = requesters.map((reviewer) => ({
        role: 'REVIEWER',
        state: 'changes_requested',
        participated_on: latestOf(own, reviewer),
        user: { display_name: reviewer, uuid: `{${reviewer}}` },
      }));
      const source = { branch: { name: pullOf('bitbucket', fullName, number)?.head ?? '' }, commit: { hash: sourceCommit(fullName, number) } };
      send(res, 200, { id: number, state: state === 'open' ? 'OPEN' : state === 'merged' ? 'MERGED' : 'DECLINED', source, participants });
      return true;
    },
  };
}
