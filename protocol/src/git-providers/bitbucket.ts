// The Bitbucket Cloud REST client (https://developer.atlassian.com/cloud/bitbucket/rest/),
// for the platform's connection test and repository lookups and the supervisor's pull requests.
import { z } from 'zod';
import { apiAuthorization } from './access.ts';
import { apiBase, encodePath, requestJson, type ProviderTransport } from './http.ts';
import { nonEmptyString, type OpenedPullRequest, type ProviderRepository, type PullRequestDraft } from './repository.ts';

const pullRequest = z.object({ id: z.number().int(), links: z.object({ html: z.object({ href: z.string() }) }) });

export function bitbucketClient(access: { apiUrl: string; token: string; username: string | null; email?: string | null }, transport: ProviderTransport) {
  const base = apiBase(access.apiUrl);
  const authorization = apiAuthorization({ provider: 'bitbucket', ...access });
  const get = (path: string) => requestJson('Bitbucket', transport, `${base}${path}`, { authorization });

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

    // POST {apiUrl}/repositories/{workspace}/{slug}/pullrequests
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
  };
}

export type BitbucketClient = ReturnType<typeof bitbucketClient>;
