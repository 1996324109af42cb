// Bitbucket Cloud REST: POST {apiUrl}/repositories/{workspace}/{slug}/pullrequests
// (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/).
import { z } from 'zod';
import type { GitProviderAccess } from './provider-access.ts';
import { providerRequest } from './provider-error.ts';
import type { OpenedPullRequest, PullRequestDraft } from './pull-requests.ts';

const pullRequest = z.object({ id: z.number().int(), links: z.object({ html: z.object({ href: z.string() }) }) });

/** An app password goes with its account's user name (Basic); a repository or workspace access token is a Bearer token. */
function authorization(access: GitProviderAccess): string {
  if (access.username) return `Basic ${Buffer.from(`${access.username}:${access.token}`).toString('base64')}`;
  return `Bearer ${access.token}`;
}

export async function openBitbucketPullRequest(access: GitProviderAccess, draft: PullRequestDraft, signal?: AbortSignal): Promise<OpenedPullRequest> {
  const url = `${access.apiUrl.replace(/\/+$/, '')}/repositories/${draft.fullName.split('/').map(encodeURIComponent).join('/')}/pullrequests`;
  const body = await providerRequest('Bitbucket', url, {
    method: 'POST',
    headers: { authorization: authorization(access) },
    body: {
      title: draft.title,
      description: draft.body,
      source: { branch: { name: draft.head } },
      destination: { branch: { name: draft.base } },
      close_source_branch: true,
    },
    signal,
  });
  const created = pullRequest.parse(body);
  return { number: created.id, url: created.links.html.href };
}
