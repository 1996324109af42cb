// The GitHub REST client (Octokit), for the platform's connection test and repository
// lookups and the supervisor's pull requests. `apiUrl` is https://api.github.com or a
// GitHub Enterprise base such as https://github.example.com/api/v3; Octokit appends the
// route to it as given, as the requests before Octokit did.
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { answeredError, ProviderApiError } from './errors.ts';
import { apiBase, providerFetch, type ProviderTransport } from './http.ts';
import { nonEmptyString, type OpenedPullRequest, type PostedComment, type ProviderRepository, type PullRequestDraft } from './repository.ts';

/** Statuses of the requests that tell which permissions a token has on one repository. */
export type GithubPermissionProbe = { metadata: number; contentsRead: number; contentsWrite: number; pullsRead: number; pullsWrite: number };

const split = (fullName: string) => {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
};

/** Octokit's errors as ProviderApiError: a refusal with the host's words, or the transport's own "did not answer". */
function asProviderError(error: unknown): unknown {
  if (!(error instanceof RequestError)) return error;
  if (error.cause instanceof ProviderApiError) return error.cause;
  if (!error.response) return new ProviderApiError(`GitHub did not answer: ${error.message}`, 0, undefined, { cause: error });
  return answeredError('GitHub', error.status, error.response.data, error.message);
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw asProviderError(error);
  }
}

/** The HTTP status of a probe: refusals are answers here, only "no answer" throws. */
async function statusOf(request: () => Promise<{ status: number }>): Promise<number> {
  try {
    return (await call(request)).status;
  } catch (error) {
    if (error instanceof ProviderApiError && error.status > 0) return error.status;
    throw error;
  }
}

export function githubClient(access: { apiUrl: string; token: string }, transport: ProviderTransport) {
  const octokit = new Octokit({
    auth: access.token,
    baseUrl: apiBase(access.apiUrl),
    userAgent: 'Spedy',
    request: { fetch: providerFetch(transport) },
    // Octokit logs deprecation notices and 4xx through console by default; our callers report.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  octokit.hook.before('request', (options) => {
    options.headers['x-github-api-version'] = '2022-11-28';
  });

  return {
    /** Who the token is; a classic token also lists its scopes (`X-OAuth-Scopes`), other tokens give null. */
    async authenticatedUser(): Promise<{ login?: string; scopes: string[] | null }> {
      const res = await call(() => octokit.rest.users.getAuthenticated());
      const header = res.headers['x-oauth-scopes'];
      return { login: res.data.login, scopes: typeof header === 'string' ? header.split(',').map((s) => s.trim()) : null };
    },

    /** One repository the token can reach: the user's most recently updated, or the installation's first. */
    async firstRepository(tokenKind: 'personal' | 'app_installation'): Promise<{ fullName: string; owner?: string } | undefined> {
      const list =
        tokenKind === 'personal'
          ? (await call(() => octokit.rest.repos.listForAuthenticatedUser({ per_page: 1, sort: 'updated' }))).data
          : (await call(() => octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 1 }))).data.repositories;
      const first = list[0];
      return first && typeof first.full_name === 'string' ? { fullName: first.full_name, owner: first.owner?.login } : undefined;
    },

    /**
     * Reads with GETs, writes with deliberately empty bodies that GitHub refuses with 422
     * after its permission check (403/404 when the permission is missing): nothing is created.
     */
    async probePermissions(fullName: string): Promise<GithubPermissionProbe> {
      const { owner, repo } = split(fullName);
      // Routes given as plain strings: the empty write bodies are not valid parameters on purpose.
      const contentsRoute: string = 'PUT /repos/{owner}/{repo}/contents/{path}';
      const pullsRoute: string = 'POST /repos/{owner}/{repo}/pulls';
      const [metadata, contentsRead, contentsWrite, pullsRead, pullsWrite] = await Promise.all([
        statusOf(() => octokit.rest.repos.get({ owner, repo })),
        statusOf(() => octokit.rest.repos.listCommits({ owner, repo, per_page: 1 })),
        statusOf(() => octokit.request(contentsRoute, { owner, repo, path: '.spedy-permission-check', data: {} })),
        statusOf(() => octokit.rest.pulls.list({ owner, repo, per_page: 1 })),
        statusOf(() => octokit.request(pullsRoute, { owner, repo, data: {} })),
      ]);
      return { metadata, contentsRead, contentsWrite, pullsRead, pullsWrite };
    },

    /**
     * POST {apiUrl}/app/installations/{id}/access_tokens, authenticated with the App's JWT as
     * the token (https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app).
     */
    async createInstallationToken(installationId: number): Promise<{ token: string; expiresAt: number }> {
      const { data } = await call(() => octokit.rest.apps.createInstallationAccessToken({ installation_id: installationId }));
      return { token: data.token, expiresAt: Date.parse(data.expires_at) };
    },

    async repository(fullName: string): Promise<ProviderRepository> {
      const { data } = await call(() => octokit.rest.repos.get(split(fullName)));
      const name = nonEmptyString(data.full_name) ?? fullName;
      return {
        fullName: name,
        name: nonEmptyString(data.name) ?? name.split('/')[1] ?? name,
        cloneUrl: nonEmptyString(data.clone_url) ?? `https://github.com/${name}.git`,
        defaultBranch: nonEmptyString(data.default_branch) ?? null,
      };
    },

    // GET {apiUrl}/repos/{owner}/{repo}/pulls/{number}: open, merged or closed (the review loop's poller).
    async pullRequestState(fullName: string, number: number): Promise<'open' | 'merged' | 'closed'> {
      const { data } = await call(() => octokit.rest.pulls.get({ ...split(fullName), pull_number: number }));
      return data.state === 'open' ? 'open' : data.merged || data.merged_at ? 'merged' : 'closed';
    },

    // GET {apiUrl}/repos/{owner}/{repo}/pulls/{number}/reviews (oldest first).
    async reviews(fullName: string, number: number): Promise<PullRequestReviewRead[]> {
      const { data } = await call(() => octokit.rest.pulls.listReviews({ ...split(fullName), pull_number: number, per_page: 100 }));
      return data.map((r) => ({ id: r.id, reviewer: r.user?.login ?? 'unknown', state: r.state, body: r.body ?? '', submittedAt: r.submitted_at ?? null }));
    },

    // GET {apiUrl}/repos/{owner}/{repo}/pulls/{number}/comments: every inline comment, with the review it belongs to.
    async reviewComments(fullName: string, number: number): Promise<PullRequestReviewCommentRead[]> {
      const { data } = await call(() => octokit.rest.pulls.listReviewComments({ ...split(fullName), pull_number: number, per_page: 100 }));
      return data.map((c) => ({ reviewId: c.pull_request_review_id ?? null, path: c.path, line: c.line ?? c.original_line ?? null, body: c.body, diffHunk: c.diff_hunk }));
    },

    // POST {apiUrl}/repos/{owner}/{repo}/pulls (https://docs.github.com/rest/pulls/pulls#create-a-pull-request).
    async openPullRequest(draft: PullRequestDraft): Promise<OpenedPullRequest> {
      const { owner, repo } = split(draft.fullName);
      try {
        const { data } = await call(() => octokit.rest.pulls.create({ owner, repo, title: draft.title, body: draft.body, head: draft.head, base: draft.base }));
        return { number: data.number, url: data.html_url };
      } catch (error) {
        // A retried request whose first attempt got through: GitHub refuses the duplicate
        // with 422; the pull request it refers to is the one we opened.
        if (!(error instanceof ProviderApiError) || error.status !== 422 || !/already exists/i.test(error.message)) throw error;
        const { data } = await call(() => octokit.rest.pulls.list({ owner, repo, head: `${owner}:${draft.head}`, base: draft.base, state: 'open' }));
        if (!data[0]) throw error;
        return { number: data[0].number, url: data[0].html_url };
      }
    },

    // GET {apiUrl}/repos/{owner}/{repo}/issues/{number}/comments, every page: the first comment whose text holds `marker`.
    async findComment(fullName: string, number: number, marker: string): Promise<PostedComment | null> {
      const comments = await call(() => octokit.paginate(octokit.rest.issues.listComments, { ...split(fullName), issue_number: number, per_page: 100 }));
      const found = comments.find((c) => c.body?.includes(marker));
      return found ? { id: found.id, url: found.html_url } : null;
    },

    // POST {apiUrl}/repos/{owner}/{repo}/issues/{number}/comments: a pull request's conversation is its issue's
    // (https://docs.github.com/rest/issues/comments#create-an-issue-comment).
    async commentOnPullRequest(fullName: string, number: number, body: string): Promise<PostedComment> {
      const { data } = await call(() => octokit.rest.issues.createComment({ ...split(fullName), issue_number: number, body }));
      return { id: data.id, url: data.html_url };
    },
  };
}

export type GithubClient = ReturnType<typeof githubClient>;

/** A review as GitHub lists it; `state` is GitHub's (`CHANGES_REQUESTED`, `COMMENTED`, `APPROVED`, …). */
export type PullRequestReviewRead = { id: number; reviewer: string; state: string; body: string; submittedAt: string | null };
/** `diffHunk`: GitHub's diff_hunk, the hunk's header and its lines up to the commented line. */
export type PullRequestReviewCommentRead = { reviewId: number | null; path: string; line: number | null; body: string; diffHunk: string };
