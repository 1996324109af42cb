// Pull request comments in the provider stand-in, in each host's real shape, and a test-only
// route that merges or closes a pull request as a person would on the host:
//   GitHub:    GET/POST {url}/github/repos/:owner/:repo/issues/:number/comments   (token checks in server.ts)
//   Bitbucket: GET/POST {url}/bitbucket/2.0/repositories/:workspace/:slug/pullrequests/:id/comments
//   Tests:     POST {url}/_test/pulls/:provider/:owner/:repo/:number/state  {"state": "merged" | "closed" | "open"}
// Tests read what was posted with `pullRequestComments.list()`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullRequestStore, StandInPullRequest } from './pulls.ts';
import { readJson, send } from './http.ts';

type Provider = StandInPullRequest['provider'];

export type StandInComment = {
  provider: Provider;
  repository: string;
  /** The pull request's number. */
  number: number;
  id: number;
  body: string;
  author: string;
  url: string;
  createdAt: string;
};

export type PullRequestCommentStore = {
  /** Every comment posted so far, oldest first. */
  list(filter?: { provider?: Provider; repository?: string; number?: number }): StandInComment[];
  /** GitHub's issue comment routes of a pull request (`rest`: the path after /repos/:owner/:repo), once server.ts checked the token; false when `rest` is not one. */
  github(req: IncomingMessage, res: ServerResponse, fullName: string, rest: string, login: string): boolean;
  /** Bitbucket's pull request comment routes; false when `path` is not one. */
  bitbucket(req: IncomingMessage, res: ServerResponse, path: string, account: { username: string; scopes: string[] }): boolean;
  /** The test-only state route; false when `path` is not it. */
  testRoute(req: IncomingMessage, res: ServerResponse, path: string): boolean;
};



const githubComment = (comment: StandInComment) => ({
  id: comment.id,
  html_url: comment.url,
  body: comment.body,
  user: { login: comment.author },
  created_at: comment.createdAt,
});

const bitbucketComment = (comment: StandInComment) => ({
  type: 'pullrequest_comment',
  id: comment.id,
  content: { raw: comment.body, markup: 'markdown' },
  user: { display_name: comment.author },
  links: { html: { href: comment.url } },
  created_on: comment.createdAt,
});

export function createPullRequestCommentStore(pullRequests: PullRequestStore): PullRequestCommentStore {
  const comments: StandInComment[] = [];
  let nextId = 1001;

  const list: PullRequestCommentStore['list'] = (filter = {}) =>
    comments.filter(
      (comment) =>
        (!filter.provider || comment.provider === filter.provider) &&
        (!filter.repository || comment.repository.toLowerCase() === filter.repository.toLowerCase()) &&
        (filter.number === undefined || comment.number === filter.number),
    );

  function post(pr: StandInPullRequest, body: string, author: string): StandInComment {
    const id = nextId++;
    const anchor = pr.provider === 'github' ? `issuecomment-${id}` : `comment-${id}`;
    const comment = { provider: pr.provider, repository: pr.repository, number: pr.number, id, body, author, url: `${pr.url}#${anchor}`, createdAt: new Date().toISOString() };
    comments.push(comment);
    return comment;
  }

  return {
    list,

    github(req, res, fullName, rest, login) {
      const match = /^\/issues\/(\d+)\/comments$/.exec(rest);
      if (!match) return false;
      const pr = pullRequests.find('github', fullName, Number(match[1]));
      if (!pr) {
        send(res, 404, { message: 'Not Found', status: '404' });
        return true;
      }
      if (req.method === 'GET') {
        send(res, 200, list({ provider: 'github', repository: fullName, number: pr.number }).map(githubComment));
        return true;
      }
      void readJson(req).then((body) => {
        const text = (body as { body?: unknown } | null | undefined)?.body;
        if (typeof text !== 'string' || !text) {
          return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }], status: '422' });
        }
        send(res, 201, githubComment(post(pr, text, login)));
      });
      return true;
    },

    bitbucket(req, res, path, account) {
      const match = /^\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/(\d+)\/comments\/?$/.exec(path);
      if (!match) return false;
      if (!['pullrequest', 'pullrequest:write'].some((scope) => account.scopes.includes(scope))) {
        send(res, 403, { type: 'error', error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { required: ['pullrequest'], granted: account.scopes } } });
        return true;
      }
      const fullName = `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
      const pr = pullRequests.find('bitbucket', fullName, Number(match[3]));
      if (!pr) {
        send(res, 404, { type: 'error', error: { message: `Resource not found: ${path}` } });
        return true;
      }
      if (req.method === 'GET') {
        const values = list({ provider: 'bitbucket', repository: fullName, number: pr.number }).map(bitbucketComment);
        send(res, 200, { pagelen: values.length, size: values.length, page: 1, values });
        return true;
      }
      void readJson(req).then((body) => {
        const raw = (body as { content?: { raw?: unknown } } | null | undefined)?.content?.raw;
        if (typeof raw !== 'string' || !raw) return send(res, 400, { type: 'error', error: { message: 'Bad request', fields: { content: ['This field is required.'] } } });
        send(res, 201, bitbucketComment(post(pr, raw, account.username)));
      });
      return true;
    },

    testRoute(req, res, path) {
      const match = /^\/_test\/pulls\/(github|bitbucket)\/([^/]+)\/([^/]+)\/(\d+)\/state$/.exec(path);
      if (!match || req.method !== 'POST') return false;
      void readJson(req).then((body) => {
        const state = (body as { state?: unknown } | null | undefined)?.state;
        if (state !== 'open' && state !== 'merged' && state !== 'closed') return send(res, 400, { message: 'state must be open, merged or closed' });
        const repository = `${decodeURIComponent(match[2]!)}/${decodeURIComponent(match[3]!)}`;
        if (!pullRequests.setState(match[1] as Provider, repository, Number(match[4]), state)) return send(res, 404, { message: 'Not Found' });
        send(res, 200, { state });
      });
      return true;
    },
  };
}
