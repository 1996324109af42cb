// GitHub REST: POST {apiUrl}/repos/{owner}/{repo}/pulls
// (https://docs.github.com/rest/pulls/pulls#create-a-pull-request).
import { z } from 'zod';
import type { GitProviderAccess } from './provider-access.ts';
import { providerRequest, ProviderApiError } from './provider-error.ts';
import type { OpenedPullRequest, PullRequestDraft } from './pull-requests.ts';

const pullRequest = z.object({ number: z.number().int(), html_url: z.string() });

function headers(access: GitProviderAccess): Record<string, string> {
  return { authorization: `Bearer ${access.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
}

export async function openGithubPullRequest(access: GitProviderAccess, draft: PullRequestDraft, signal?: AbortSignal): Promise<OpenedPullRequest> {
  const base = `${access.apiUrl.replace(/\/+$/, '')}/repos/${draft.fullName.split('/').map(encodeURIComponent).join('/')}/pulls`;
  try {
    const body = await providerRequest('GitHub', base, {
      method: 'POST',
      headers: headers(access),
      body: { title: draft.title, body: draft.body, head: draft.head, base: draft.base },
      signal,
    });
    const created = pullRequest.parse(body);
    return { number: created.number, url: created.html_url };
  } catch (error) {
    // A retried request whose first attempt got through: GitHub refuses the duplicate
    // with 422; the pull request it refers to is the one we opened.
    if (!(error instanceof ProviderApiError) || error.status !== 422 || !/already exists/i.test(error.message)) throw error;
    const owner = draft.fullName.split('/')[0] ?? '';
    const query = new URLSearchParams({ head: `${owner}:${draft.head}`, base: draft.base, state: 'open' });
    const open = z.array(pullRequest).parse(await providerRequest('GitHub', `${base}?${query}`, { method: 'GET', headers: headers(access), signal }));
    if (!open[0]) throw error;
    return { number: open[0].number, url: open[0].html_url };
  }
}
