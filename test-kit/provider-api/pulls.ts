// Pull requests in the provider stand-in, in memory, in each host's real shape:
//   GitHub:    POST/GET {url}/github/repos/:owner/:repo/pulls     (token checks in server.ts)
//   Bitbucket: POST/GET {url}/bitbucket/2.0/repositories/:workspace/:slug/pullrequests
//              (app password scopes: pullrequest:write to open, pullrequest to list; opening one from a
//              source to a destination that has an open one updates and answers with that one, as Bitbucket Cloud does)
//   Web:       GET {url}/web/:provider/:owner/:repo/pull/:number   (the html_url: a small page for the demo)
// Tests read what was opened with `pullRequests.list()`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, send } from './http.ts';

export type StandInPullRequest = {
  provider: 'github' | 'bitbucket';
  repository: string;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  /** Tests merge or close one with setState (or the test-only route in pull-request-comments.ts). */
  state: 'open' | 'merged' | 'closed';
  author: string;
  url: string;
  createdAt: string;
};

export type PullRequestStore = {
  /** Every pull request opened so far, oldest first. */
  list(filter?: { provider?: 'github' | 'bitbucket'; repository?: string }): StandInPullRequest[];
  /** GitHub's list and create, once server.ts has checked the token's pull_requests permission. */
  githubList(res: ServerResponse, fullName: string, query: URLSearchParams): void;
  githubCreate(res: ServerResponse, fullName: string, body: unknown, login: string): void;
  /** Bitbucket's pull request routes; false when `path` is not one. */
  bitbucket(req: IncomingMessage, res: ServerResponse, path: string, account: { username: string; scopes: string[] }): boolean;
  /** The html_url pages; false when `path` is not one. */
  web(res: ServerResponse, path: string): boolean;
  /** One pull request, or undefined. */
  find(provider: StandInPullRequest['provider'], repository: string, number: number): StandInPullRequest | undefined;
  /** Merges or closes (or reopens) a pull request, as a person would on the host; false when there is none. */
  setState(provider: StandInPullRequest['provider'], repository: string, number: number, state: StandInPullRequest['state']): boolean;
};



const text = (value: unknown) => (typeof value === 'string' ? value : '');
const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function githubJson(pr: StandInPullRequest, apiUrl: string) {
  const owner = pr.repository.split('/')[0];
  return {
    number: pr.number,
    url: `${apiUrl}/repos/${pr.repository}/pulls/${pr.number}`,
    html_url: pr.url,
    // GitHub has no "merged" state: a merged pull request is closed with merged_at set.
    state: pr.state === 'open' ? 'open' : 'closed',
    merged: pr.state === 'merged',
    merged_at: pr.state === 'merged' ? pr.createdAt : null,
    title: pr.title,
    body: pr.body,
    user: { login: pr.author },
    head: { ref: pr.head, label: `${owner}:${pr.head}` },
    base: { ref: pr.base, label: `${owner}:${pr.base}` },
    created_at: pr.createdAt,
  };
}

function bitbucketJson(pr: StandInPullRequest) {
  return {
    type: 'pullrequest',
    id: pr.number,
    title: pr.title,
    description: pr.body,
    state: ({ open: 'OPEN', merged: 'MERGED', closed: 'DECLINED' } as const)[pr.state],
    author: { display_name: pr.author },
    source: { branch: { name: pr.head } },
    destination: { branch: { name: pr.base } },
    links: { html: { href: pr.url } },
    created_on: pr.createdAt,
  };
}

export function createPullRequestStore(urls: { url: string; githubUrl: string }): PullRequestStore {
  const pulls: StandInPullRequest[] = [];
  const next = new Map<string, number>();

  function open(provider: StandInPullRequest['provider'], repository: string, fields: Pick<StandInPullRequest, 'title' | 'body' | 'head' | 'base' | 'author'>) {
    const key = `${provider}:${repository.toLowerCase()}`;
    const number = next.get(key) ?? 1;
    next.set(key, number + 1);
    const pr: StandInPullRequest = {
      provider,
      repository,
      number,
      ...fields,
      state: 'open',
      url: `${urls.url}/web/${provider}/${repository}/pull/${number}`,
      createdAt: new Date().toISOString(),
    };
    pulls.push(pr);
    return pr;
  }

  const find = (provider: StandInPullRequest['provider'], repository: string) =>
    pulls.filter((pr) => pr.provider === provider && pr.repository.toLowerCase() === repository.toLowerCase());

  return {
    list: (filter = {}) =>
      pulls.filter((pr) => (!filter.provider || pr.provider === filter.provider) && (!filter.repository || pr.repository.toLowerCase() === filter.repository.toLowerCase())),

    githubList(res, fullName, query) {
      const owner = fullName.split('/')[0];
      const state = query.get('state') ?? 'open';
      const head = query.get('head')?.replace(new RegExp(`^${owner}:`), '');
      const base = query.get('base');
      const matching = find('github', fullName).filter(
        (pr) => (state === 'all' || (pr.state === 'open' ? 'open' : 'closed') === state) && (!head || pr.head === head) && (!base || pr.base === base),
      );
      send(res, 200, matching.map((pr) => githubJson(pr, urls.githubUrl)));
    },

    githubCreate(res, fullName, body, login) {
      const fields = (body ?? {}) as Record<string, unknown>;
      const owner = fullName.split('/')[0];
      const head = text(fields.head).replace(new RegExp(`^${owner}:`), '');
      const base = text(fields.base);
      const missing = (['title', 'head', 'base'] as const).filter((field) => !text(fields[field]));
      if (missing.length > 0) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field', field })),
          status: '422',
        });
      }
      if (find('github', fullName).some((pr) => pr.state === 'open' && pr.head === head && pr.base === base)) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }],
          status: '422',
        });
      }
      const pr = open('github', fullName, { title: text(fields.title), body: text(fields.body), head, base, author: login });
      send(res, 201, githubJson(pr, urls.githubUrl));
    },

    bitbucket(req, res, path, account) {
      const match = /^\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/?$/.exec(path);
      if (!match) return false;
      const fullName = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
      const required = req.method === 'POST' ? ['pullrequest:write'] : ['pullrequest', 'pullrequest:write'];
      if (!required.some((scope) => account.scopes.includes(scope))) {
        send(res, 403, {
          type: 'error',
          error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { required: required.slice(0, 1), granted: account.scopes } },
        });
        return true;
      }
      if (req.method === 'GET') {
        const values = find('bitbucket', fullName).map(bitbucketJson);
        send(res, 200, { pagelen: values.length, size: values.length, page: 1, values });
        return true;
      }
      if (req.method !== 'POST') {
        send(res, 405, { type: 'error', error: { message: `${req.method} is not allowed here` } });
        return true;
      }
      void readJson(req).then((body) => {
        const fields = (body ?? {}) as { title?: unknown; description?: unknown; source?: { branch?: { name?: unknown } }; destination?: { branch?: { name?: unknown } } };
        const head = text(fields.source?.branch?.name);
        if (!text(fields.title) || !head) {
          return send(res, 400, { type: 'error', error: { message: 'Bad request', fields: { ...(head ? {} : { source: ['This field is required.'] }), ...(text(fields.title) ? {} : { title: ['This field is required.'] }) } } });
        }
        // Without a destination, Bitbucket uses the repository's main branch.
        const base = text(fields.destination?.branch?.name) || 'main';
        // Bitbucket Cloud opens no second pull request from a source to a destination: it updates the open one and answers with it.
        const existing = find('bitbucket', fullName).find((pr) => pr.state === 'open' && pr.head === head && pr.base === base);
        if (existing) {
          Object.assign(existing, { title: text(fields.title), body: text(fields.description) });
          return send(res, 200, bitbucketJson(existing));
        }
        const pr = open('bitbucket', fullName, { title: text(fields.title), body: text(fields.description), head, base, author: account.username });
        send(res, 201, bitbucketJson(pr));
      });
      return true;
    },

    find: (provider, repository, number) => find(provider, repository).find((pr) => pr.number === number),

    setState(provider, repository, number, state) {
      const pr = find(provider, repository).find((p) => p.number === number);
      if (pr) pr.state = state;
      return pr !== undefined;
    },

    web(res, path) {
      const match = /^\/web\/(github|bitbucket)\/([^/]+\/[^/]+)\/pull\/(\d+)$/.exec(path);
      if (!match) return false;
      const pr = find(match[1] as StandInPullRequest['provider'], decodeURIComponent(match[2])).find((p) => p.number === Number(match[3]));
      if (!pr) {
        send(res, 404, { message: 'Not Found' });
        return true;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>${escapeHtml(pr.title)}</title>` +
          `<p>Test-kit stand-in for ${pr.provider === 'github' ? 'GitHub' : 'Bitbucket'}: pull request #${pr.number} in ${escapeHtml(pr.repository)}</p>` +
          `<h1>${escapeHtml(pr.title)}</h1><p><code>${escapeHtml(pr.head)}</code> → <code>${escapeHtml(pr.base)}</code></p><pre>${escapeHtml(pr.body)}</pre>`,
      );
      return true;
    },
  };
}
