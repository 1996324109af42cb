// The Bitbucket Cloud REST client (https://developer.atlassian.com/cloud/bitbucket/rest/),
// for the platform's connection test and repository lookups and the supervisor's pull requests.
import { z } from 'zod';
import { apiAuthorization } from './access.ts';
import { diffHunkAt } from './diff-hunks.ts';
import { ProviderApiError } from './errors.ts';
import { apiBase, encodePath, requestJson, requestText, type ProviderTransport } from './http.ts';
import { nonEmptyString, type OpenedPullRequest, type PostedComment, type ProviderRepository, type PullRequestDraft } from './repository.ts';

const pullRequest = z.object({ id: z.number().int(), links: z.object({ html: z.object({ href: z.string() }) }) });
const pullRequestComment = z.object({ id: z.number().int(), links: z.object({ html: z.object({ href: z.string() }).optional() }) });

const bitbucketPullRequestState = z.object({
  state: z.string(),
  source: z.object({ commit: z.object({ hash: z.string() }).nullish() }).nullish(),
  participants: z
    .array(z.object({ state: z.string().nullish(), participated_on: z.string().nullish(), user: z.object({ display_name: z.string().optional(), uuid: z.string().optional() }).nullish() }))
    .optional(),
});
const bitbucketCommentPage = z.object({
  values: z.array(z.object({ id: z.number().int(), content: z.object({ raw: z.string().nullish() }).nullish(), links: z.object({ html: z.object({ href: z.string() }).optional() }).nullish() })),
  next: z.string().optional(),
});
/** Pages of comments read when looking for one of our own (100 each: Bitbucket's largest page). */
const maxCommentPages = 20;

const bitbucketComments = z.object({
  values: z.array(
    z.object({
      content: z.object({ raw: z.string().nullish() }).nullish(),
      inline: z.object({ path: z.string(), to: z.number().int().nullish(), from: z.number().int().nullish() }).nullish(),
    }),
  ),
});

/** A pull request comment; inline ones name a file and line, and carry the diff hunk up to that line when the diff holds it. */
export type BitbucketComment = { path: string | null; line: number | null; body: string; diffHunk?: string };

export function bitbucketClient(access: { apiUrl: string; token: string; username: string | null; email?: string | null }, transport: ProviderTransport) {
  const base = apiBase(access.apiUrl);
  const authorization = apiAuthorization({ provider: 'bitbucket', ...access });
  const get = (path: string) => requestJson('Bitbucket', transport, `${base}${path}`, { authorization });

  // GET {apiUrl}/repositories/{workspace}/{slug}/pullrequests/{id}/diff: a unified diff, behind a redirect to the
  // diff of the pull request's commits. Null when Bitbucket will not give it (a refusal, a diff too large to render):
  // the hunks are context, not the review.
  async function pullRequestDiff(fullName: string, id: number): Promise<string | null> {
    try {
      return await requestText('Bitbucket', transport, `${base}/repositories/${encodePath(fullName)}/pullrequests/${id}/diff`, { authorization });
    } catch (error) {
      if (error instanceof ProviderApiError && error.status >= 300 && error.status < 500) return null;
      throw error;
    }
  }

  return {
    /** Who the credential is; Bitbucket lists a credential's scopes in `X-OAuth-Scopes` (null when it does not). */
    async user(): Promise<{ account?: string; scopes: string[] | null }> {
      const res = await get('/user');
      const body = res.body as { username?: string; display_name?: string } | null;
      const header = res.headers.get('x-oauth-scopes');
      return { account: body?.username ?? body?.display_name, scopes: header === null ? null : header.split(',').map((s) => s.trim()) };
    },

    // GET {apiUrl}/repositories/{workspace}/{slug} → mainbranch.name, links.clone
    async repository(fullName: string): Promise<ProviderRepository> {
      const res = await get(`/repositories/${encodePath(fullName)}`);
      const body = (res.body ?? {}) as { full_name?: unknown; slug?: unknown; mainbranch?: { name?: unknown } | null; links?: { clone?: { name?: unknown; href?: unknown }[] } };
      const name = nonEmptyString(body.full_name) ?? fullName;
      const https = nonEmptyString(body.links?.clone?.find((c) => c.name === 'https')?.href);
      return {
        fullName: name,
        name: nonEmptyString(body.slug) ?? name.split('/')[1] ?? name,
        // Bitbucket puts the account in the clone link (https://user@bitbucket.org/…); the runner authenticates on its own.
        cloneUrl: https ? https.replace(/^(https?:\/\/)[^@/]+@/, '$1') : `https://bitbucket.org/${name}.git`,
        defaultBranch: nonEmptyString(body.mainbranch?.name) ?? null,
      };
    },

    // GET {apiUrl}/repositories/{workspace}/{slug}/pullrequests/{id}: state, source commit and who requested changes (the review loop's poller).
    async pullRequestReviewState(
      fullName: string,
      id: number,
    ): Promise<{ state: 'open' | 'merged' | 'closed'; sourceCommit: string | null; changesRequested: { reviewer: string; uuid: string; at: string | null }[] }> {
      const body = bitbucketPullRequestState.parse((await get(`/repositories/${encodePath(fullName)}/pullrequests/${id}`)).body);
      const sourceCommit = body.source?.commit?.hash ?? null;
      const state = body.state === 'MERGED' ? 'merged' : body.state === 'OPEN' ? 'open' : 'closed';
      const changesRequested = (body.participants ?? [])
        .filter((p) => p.state === 'changes_requested')
        .map((p) => ({ reviewer: p.user?.display_name ?? 'unknown', uuid: p.user?.uuid ?? p.user?.display_name ?? 'unknown', at: p.participated_on ?? null }));
      return { state, sourceCommit, changesRequested };
    },

    // GET {apiUrl}/repositories/{workspace}/{slug}/pullrequests/{id}/comments: inline ones carry `inline.path` and
    // `inline.to` (the new file's line) or, on a removed line, only `inline.from` (the old file's). Bitbucket gives no
    // diff hunk, so each inline comment's is cut from the pull request's diff as GitHub cuts its diff_hunk.
    async pullRequestComments(fullName: string, id: number): Promise<BitbucketComment[]> {
      const body = bitbucketComments.parse((await get(`/repositories/${encodePath(fullName)}/pullrequests/${id}/comments?pagelen=100`)).body);
      const diff = body.values.some((c) => c.inline) ? await pullRequestDiff(fullName, id) : null;
      return body.values.map((c) => {
        if (!c.inline) return { path: null, line: null, body: c.content?.raw ?? '' };
        const { path, to, from } = c.inline;
        const line = to ?? from ?? null;
        const diffHunk = diff !== null && line !== null ? diffHunkAt(diff, path, line, to == null ? 'old' : 'new') : null;
        return { path, line, body: c.content?.raw ?? '', ...(diffHunk ? { diffHunk } : {}) };
      });
    },

    pullRequestDiff,

    // GET …/pullrequests/{id}/comments, page after page (`next`, on the same API only): the first comment whose text holds `marker`.
    async findComment(fullName: string, id: number, marker: string): Promise<PostedComment | null> {
      let url: string | undefined = `${base}/repositories/${encodePath(fullName)}/pullrequests/${id}/comments?pagelen=100`;
      for (let page = 0; url && page < maxCommentPages; page += 1) {
        const body = bitbucketCommentPage.parse((await requestJson('Bitbucket', transport, url, { authorization })).body);
        const found = body.values.find((c) => c.content?.raw?.includes(marker));
        if (found) return { id: found.id, url: found.links?.html?.href ?? '' };
        url = body.next?.startsWith(`${base}/`) ? body.next : undefined;
      }
      return null;
    },

    // POST {apiUrl}/repositories/{workspace}/{slug}/pullrequests. While a pull request from the same source to the
    // same destination is open, Bitbucket Cloud opens no second one: it updates that one (title, description) and
    // answers with it, so a retried request gets the pull request its first attempt opened, as GitHub's 422 gives ours.
    async openPullRequest(draft: PullRequestDraft): Promise<OpenedPullRequest> {
      const res = await requestJson('Bitbucket', transport, `${base}/repositories/${encodePath(draft.fullName)}/pullrequests`, {
        method: 'POST',
        authorization,
        body: {
          title: draft.title,
          description: draft.body,
          source: { branch: { name: draft.head } },
          destination: { branch: { name: draft.base } },
          close_source_branch: true,
        },
      });
      const created = pullRequest.parse(res.body);
      return { number: created.id, url: created.links.html.href };
    },

    // POST {apiUrl}/repositories/{workspace}/{slug}/pullrequests/{id}/comments
    async commentOnPullRequest(fullName: string, number: number, body: string): Promise<PostedComment> {
      const res = await requestJson('Bitbucket', transport, `${base}/repositories/${encodePath(fullName)}/pullrequests/${number}/comments`, {
        method: 'POST',
        authorization,
        body: { content: { raw: body } },
      });
      const posted = pullRequestComment.parse(res.body);
      return { id: posted.id, url: posted.links.html?.href ?? '' };
    },
  };
}

export type BitbucketClient = ReturnType<typeof bitbucketClient>;
