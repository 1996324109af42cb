// A stand-in for the GitHub and Bitbucket REST APIs, for tests on a machine that cannot
// reach the real services. Real protocol shapes (paths, auth schemes, status codes,
// X-OAuth-Scopes / X-Accepted-GitHub-Permissions headers) for the calls Spedy makes;
// tokens and what they may do are registered by the test.
//   GitHub:    {url}/github         (like https://api.github.com)
//   Bitbucket: {url}/bitbucket/2.0  (like https://api.bitbucket.org/2.0)
//   GitLab:    {url}/api/v4         (repository lookups only, see repositories.ts)
//   Tests:     {url}/_test/…        (merge or close a pull request: pull-request-comments.ts)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bitbucketAccount, type BitbucketCredential } from './bitbucket-auth.ts';
import { createGithubAppRegistry, type GithubAppRegistry, type StandInInstallationToken } from './github-app.ts';
import { createPullRequestDiffs, type PullRequestDiffs } from './pull-request-diffs.ts';
import { createPullRequestStore, type PullRequestStore } from './pulls.ts';
import { createPullRequestCommentStore, type PullRequestCommentStore } from './pull-request-comments.ts';
import { createRepositoryRegistry, type RepositoryRegistry } from './repositories.ts';
import { createReviewStore, type ReviewStore } from './reviews.ts';
import { readJson, send } from './http.ts';

export type GithubPermission = 'contents' | 'pull_requests' | 'metadata';
type Access = 'read' | 'write';

export type StandInToken =
  /** A classic PAT: GitHub answers with its scopes; `repo` grants contents and pull requests. */
  | { kind: 'github-classic'; login: string; scopes: string[]; repositories?: string[] }
  /** A fine-grained PAT: no scopes header; permissions per resource (metadata is always read). */
  | { kind: 'github-fine-grained'; login: string; permissions: Partial<Record<GithubPermission, Access>>; repositories: string[] }
  /** A GitHub App installation token: cannot call /user; lists its repositories under /installation (minted: github-app.ts). */
  | StandInInstallationToken
  /** Bitbucket API tokens and app passwords (bitbucket-auth.ts); scopes in X-OAuth-Scopes. */
  | BitbucketCredential;

export type ProviderApi = {
  url: string;
  githubUrl: string;
  bitbucketUrl: string;
  /** Registers a token (the app password, for Bitbucket) and what it may do. */
  addToken(token: string, spec: StandInToken): void;
  /** Repository metadata (default branch, clone URL) for GitHub, Bitbucket and GitLab (repositories.ts). */
  repositories: RepositoryRegistry;
  /** GitHub Apps whose installation tokens the stand-in mints (github-app.ts). */
  githubApps: GithubAppRegistry;
  /** Pull requests opened through the GitHub and Bitbucket routes (pulls.ts). */
  pullRequests: PullRequestStore;
  /** Reviews on those pull requests, their states, and the hosts' signed review webhooks (reviews.ts). */
  reviews: ReviewStore;
  /** Bitbucket pull requests' source commits (a test's push makes a new one) and diffs (pull-request-diffs.ts). */
  pullRequestDiffs: PullRequestDiffs;
  /** Comments posted on those pull requests, and the test-only route that merges or closes one (pull-request-comments.ts). */
  pullRequestComments: PullRequestCommentStore;
  /** Method and path of every request, oldest first. */
  requests: { method: string; path: string }[];
  close(): Promise<void>;
};


function repoJson(fullName: string) {
  const [owner, name] = fullName.split('/');
  return { id: fullName.length, name, full_name: fullName, private: true, owner: { login: owner }, default_branch: 'main' };
}

function githubAccess(spec: StandInToken, permission: GithubPermission): Access | undefined {
  if (spec.kind === 'github-classic') return spec.scopes.includes('repo') ? 'write' : permission === 'metadata' ? 'read' : undefined;
  if (spec.kind === 'github-fine-grained' || spec.kind === 'github-installation') {
    return permission === 'metadata' ? (spec.permissions.metadata ?? 'read') : spec.permissions[permission];
  }
  return undefined;
}


export async function startProviderApi(): Promise<ProviderApi> {
  const tokens = new Map<string, StandInToken>();
  const requests: ProviderApi['requests'] = [];
  const repositoryRegistry = createRepositoryRegistry();
  // Filled in once the server listens: the pull requests' links point at it.
  const urls = { url: '', githubUrl: '' };
  const pullRequests = createPullRequestStore(urls);
  const pullRequestComments = createPullRequestCommentStore(pullRequests);
  const pullRequestDiffs = createPullRequestDiffs(pullRequests, urls);
  const reviewStore = createReviewStore(pullRequests, urls, (repository, number) => pullRequestComments.list({ provider: 'bitbucket', repository, number }), pullRequestDiffs);
  const githubApps = createGithubAppRegistry((token, spec) => tokens.set(token, spec));

  async function github(req: IncomingMessage, res: ServerResponse, path: string) {
    if (githubApps.handle(req, res, path)) return;
    const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const spec = auth ? tokens.get(auth) : undefined;
    if (!spec || spec.kind === 'bitbucket-app-password' || spec.kind === 'bitbucket-api-token' || (spec.kind === 'github-installation' && githubApps.expired(spec))) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    const scopeHeaders: Record<string, string> = spec.kind === 'github-classic' ? { 'x-oauth-scopes': spec.scopes.join(', ') } : {};
    const notAccessible = (permission: GithubPermission, access: Access) =>
      send(
        res,
        403,
        { message: `Resource not accessible by ${spec.kind === 'github-installation' ? 'integration' : 'personal access token'}`, status: '403' },
        { 'x-accepted-github-permissions': `${permission}=${access}`, ...scopeHeaders },
      );
    const repositories = spec.kind === 'github-classic' ? (spec.repositories ?? []) : spec.repositories;

    if (req.method === 'GET' && path === '/user') {
      if (spec.kind === 'github-installation') return send(res, 403, { message: 'Resource not accessible by integration', status: '403' });
      return send(res, 200, { login: spec.login, id: 1, type: 'User' }, scopeHeaders);
    }
    if (req.method === 'GET' && path === '/user/repos') {
      if (spec.kind === 'github-installation') return send(res, 403, { message: 'Resource not accessible by integration', status: '403' });
      return send(res, 200, repositories.map(repoJson), scopeHeaders);
    }
    if (req.method === 'GET' && path === '/installation/repositories') {
      if (spec.kind !== 'github-installation') return send(res, 403, { message: 'This endpoint requires an installation token', status: '403' });
      return send(res, 200, { total_count: repositories.length, repositories: repositories.map(repoJson) });
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (match) {
      const fullName = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
      // GitHub hides repositories a token cannot reach behind 404.
      if (!repositories.includes(fullName)) return send(res, 404, { message: 'Not Found', status: '404' });
      const rest = match[3] ?? '';
      const need = (permission: GithubPermission, access: Access) => {
        const has = githubAccess(spec, permission);
        return has === 'write' || (has === 'read' && access === 'read');
      };
      if (req.method === 'GET' && rest === '') return need('metadata', 'read') ? send(res, 200, { ...repoJson(fullName), ...repositoryRegistry.github(fullName) }, scopeHeaders) : notAccessible('metadata', 'read');
      if (req.method === 'GET' && rest === '/commits') return need('contents', 'read') ? send(res, 200, []) : notAccessible('contents', 'read');
      if (req.method === 'GET' && rest === '/pulls') return need('pull_requests', 'read') ? pullRequests.githubList(res, fullName, new URL(req.url ?? '/', 'http://stand-in').searchParams) : notAccessible('pull_requests', 'read');
      if (req.method === 'GET' && rest.startsWith('/pulls/')) {
        if (!need('pull_requests', 'read')) return notAccessible('pull_requests', 'read');
        if (reviewStore.github(req, res, fullName, rest)) return;
      }
      if (req.method === 'PUT' && rest.startsWith('/contents/')) {
        if (!need('contents', 'write')) return notAccessible('contents', 'write');
        const body = (await readJson(req)) as { message?: unknown; content?: unknown } | null | undefined;
        if (!body?.message || !body.content) return send(res, 422, { message: 'Invalid request.\n\n"content", "message" weren\'t supplied.', status: '422' });
        return send(res, 201, { content: { path: rest.slice('/contents/'.length) } });
      }
      if (req.method === 'POST' && rest === '/pulls') {
        if (!need('pull_requests', 'write')) return notAccessible('pull_requests', 'write');
        return pullRequests.githubCreate(res, fullName, await readJson(req), spec.kind === 'github-installation' ? `${spec.owner}-app[bot]` : spec.login);
      }
      if (/^\/issues\/\d+\/comments$/.test(rest)) {
        const access = req.method === 'POST' ? 'write' : 'read';
        if (!need('pull_requests', access)) return notAccessible('pull_requests', access);
        if (pullRequestComments.github(req, res, fullName, rest, spec.kind === 'github-installation' ? `${spec.owner}-app[bot]` : spec.login)) return;
      }
    }
    return send(res, 404, { message: 'Not Found', status: '404' });
  }

  function bitbucket(req: IncomingMessage, res: ServerResponse, path: string) {
    const account = bitbucketAccount(req.headers.authorization, (token) => tokens.get(token));
    if (!account) return send(res, 401, { type: 'error', error: { message: 'Invalid credentials' } });
    const spec = account.credential;
    if (req.method === 'GET' && path === '/user') {
      return send(
        res,
        200,
        { type: 'user', username: spec.username, display_name: spec.username, account_id: `acc-${spec.username}` },
        { 'x-oauth-scopes': spec.scopes.join(', '), 'x-credential-type': spec.kind === 'bitbucket-api-token' ? 'api_token' : 'apppassword' },
      );
    }
    if (pullRequestDiffs.bitbucket(req, res, path)) return;
    if (reviewStore.bitbucket(req, res, path)) return;
    if (pullRequests.bitbucket(req, res, path, account)) return;
    if (pullRequestComments.bitbucket(req, res, path, account)) return;
    if (repositoryRegistry.bitbucket(req, res, path)) return;
    return send(res, 404, { type: 'error', error: { message: `Resource not found: ${path}` } });
  }

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://stand-in');
    requests.push({ method: req.method ?? 'GET', path: pathname });
    const handle = pathname.startsWith('/github/')
      ? github(req, res, pathname.slice('/github'.length))
      : pathname.startsWith('/bitbucket/2.0/')
        ? bitbucket(req, res, pathname.slice('/bitbucket/2.0'.length))
        : pathname.startsWith('/api/v4/')
          ? repositoryRegistry.gitlab(req, res, pathname.slice('/api/v4'.length))
          : pathname.startsWith('/web/') && pullRequests.web(res, pathname)
            ? undefined
            : pathname.startsWith('/_test/') && pullRequestComments.testRoute(req, res, pathname)
              ? undefined
              : send(res, 404, { message: 'Not Found' });
    Promise.resolve(handle).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(urls, { url, githubUrl: `${url}/github` });
  return {
    url,
    githubUrl: `${url}/github`,
    bitbucketUrl: `${url}/bitbucket/2.0`,
    addToken: (token, spec) => void tokens.set(token, spec),
    githubApps,
    repositories: repositoryRegistry,
    pullRequests,
    reviews: reviewStore,
    pullRequestDiffs,
    pullRequestComments,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
