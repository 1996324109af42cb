import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { openPullRequest } from './pull-requests.ts';

// The supervisor's pull request calls against the test kit's GitHub and Bitbucket stand-in.
let api: ProviderApi;

beforeAll(async () => {
  api = await startProviderApi();
  api.addToken('ghp_runner_token_1', { kind: 'github-classic', login: 'spedy-bot', scopes: ['repo'], repositories: ['acme/app'] });
  api.addToken('ghp_read_only_tok', { kind: 'github-fine-grained', login: 'reader', permissions: { contents: 'read', pull_requests: 'read' }, repositories: ['acme/app'] });
  api.addToken('bb_app_password_1', { kind: 'bitbucket-app-password', username: 'spedy', scopes: ['repository:write', 'pullrequest:write'] });
  api.addToken('ATATT_api_token_1', { kind: 'bitbucket-api-token', email: 'spedy@example.com', username: 'spedy-bot', scopes: ['write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
});

afterAll(() => api?.close());

const draft = { fullName: 'acme/app', head: 'spedy/spd-1-fix-abc123', base: 'main', title: 'SPD-1: Fix', body: 'Resolves SPD-1' };

describe('opening pull requests', () => {
  it('opens a GitHub pull request against the base branch', async () => {
    const opened = await openPullRequest({ provider: 'github', apiUrl: api.githubUrl, token: 'ghp_runner_token_1', username: null }, draft);
    expect(opened).toEqual({ number: 1, url: `${api.url}/web/github/acme/app/pull/1` });
    expect(api.pullRequests.list({ provider: 'github' })).toEqual([
      expect.objectContaining({ repository: 'acme/app', number: 1, head: draft.head, base: 'main', title: 'SPD-1: Fix', body: 'Resolves SPD-1', author: 'spedy-bot' }),
    ]);
  });

  it('returns the open pull request when GitHub says it already exists (a retried request)', async () => {
    const opened = await openPullRequest({ provider: 'github', apiUrl: api.githubUrl, token: 'ghp_runner_token_1', username: null }, draft);
    expect(opened.number).toBe(1);
    expect(api.pullRequests.list({ provider: 'github' })).toHaveLength(1);
  });

  it('says what GitHub refused', async () => {
    const refused = openPullRequest({ provider: 'github', apiUrl: api.githubUrl, token: 'ghp_read_only_tok', username: null }, { ...draft, head: 'other' });
    await expect(refused).rejects.toThrow('GitHub answered 403: Resource not accessible by personal access token');
  });

  it('opens a Bitbucket pull request with an app password', async () => {
    const opened = await openPullRequest({ provider: 'bitbucket', apiUrl: api.bitbucketUrl, token: 'bb_app_password_1', username: 'spedy' }, { ...draft, fullName: 'acme/site' });
    expect(opened).toEqual({ number: 1, url: `${api.url}/web/bitbucket/acme/site/pull/1` });
    expect(api.pullRequests.list({ provider: 'bitbucket', repository: 'acme/site' })[0]).toMatchObject({ head: draft.head, base: 'main', author: 'spedy' });
    const page = await fetch(opened.url);
    expect(await page.text()).toContain('SPD-1: Fix');
  });

  it('returns the open pull request when Bitbucket is asked again for the same branches (a retried request)', async () => {
    const opened = await openPullRequest({ provider: 'bitbucket', apiUrl: api.bitbucketUrl, token: 'bb_app_password_1', username: 'spedy' }, { ...draft, fullName: 'acme/site' });
    expect(opened).toEqual({ number: 1, url: `${api.url}/web/bitbucket/acme/site/pull/1` });
    expect(api.pullRequests.list({ provider: 'bitbucket', repository: 'acme/site' })).toHaveLength(1);
  });

  it('opens a Bitbucket pull request with an API token, as the account email (the username is refused)', async () => {
    const access = { provider: 'bitbucket' as const, apiUrl: api.bitbucketUrl, token: 'ATATT_api_token_1', username: null, email: 'spedy@example.com' };
    const opened = await openPullRequest(access, { ...draft, fullName: 'acme/docs' });
    expect(api.pullRequests.list({ provider: 'bitbucket', repository: 'acme/docs' })[0]).toMatchObject({ number: opened.number, author: 'spedy-bot' });
    await expect(openPullRequest({ ...access, email: 'spedy-bot' }, { ...draft, fullName: 'acme/docs', head: 'other' })).rejects.toThrow('Bitbucket answered 401');
  });
});
