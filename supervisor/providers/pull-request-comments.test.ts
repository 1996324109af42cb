import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { commentOnPullRequest } from './pull-request-comments.ts';
import { openPullRequest } from './pull-requests.ts';

// The supervisor's pull request comments against the test kit's GitHub and Bitbucket stand-in.
let api: ProviderApi;
const github = () => ({ provider: 'github' as const, apiUrl: api.githubUrl, token: 'ghp_comment_token', username: null });
const bitbucket = () => ({ provider: 'bitbucket' as const, apiUrl: api.bitbucketUrl, token: 'bb_comment_password', username: 'spedy' });
const draft = { fullName: 'acme/app', head: 'spedy/spd-1-fix-abc123', base: 'main', title: 'SPD-1: Fix', body: 'Resolves SPD-1' };

beforeAll(async () => {
  api = await startProviderApi();
  api.addToken('ghp_comment_token', { kind: 'github-classic', login: 'spedy-bot', scopes: ['repo'], repositories: ['acme/app'] });
  api.addToken('ghp_read_only_tok', { kind: 'github-fine-grained', login: 'reader', permissions: { contents: 'read', pull_requests: 'read' }, repositories: ['acme/app'] });
  api.addToken('bb_comment_password', { kind: 'bitbucket-app-password', username: 'spedy', scopes: ['repository:write', 'pullrequest:write'] });
});

afterAll(() => api?.close());

describe('commenting on a pull request', () => {
  it('comments on a GitHub pull request through its issue', async () => {
    const opened = await openPullRequest(github(), draft);
    const posted = await commentOnPullRequest(github(), { fullName: 'acme/app', number: opened.number, body: 'Spedy pushed a revision: abc123.', key: 'job-gh-1' });
    expect(posted.url).toBe(`${opened.url}#issuecomment-${posted.id}`);
    const body = 'Spedy pushed a revision: abc123.\n\n<!-- spedy:job-gh-1 -->';
    expect(api.pullRequestComments.list({ provider: 'github', repository: 'acme/app', number: opened.number })).toEqual([expect.objectContaining({ body, author: 'spedy-bot' })]);
    const listed = await fetch(`${api.githubUrl}/repos/acme/app/issues/${opened.number}/comments`, { headers: { authorization: 'Bearer ghp_comment_token' } });
    expect(await listed.json()).toEqual([expect.objectContaining({ id: posted.id, body, user: { login: 'spedy-bot' } })]);
  });

  it('says what GitHub refused: a token that may only read, or a pull request that is not there', async () => {
    await expect(commentOnPullRequest({ ...github(), token: 'ghp_read_only_tok' }, { fullName: 'acme/app', number: 1, body: 'x', key: 'k' })).rejects.toThrow('GitHub answered 403');
    await expect(commentOnPullRequest(github(), { fullName: 'acme/app', number: 99, body: 'x', key: 'k' })).rejects.toThrow('GitHub answered 404');
  });

  it('comments on a Bitbucket pull request', async () => {
    const opened = await openPullRequest(bitbucket(), { ...draft, fullName: 'acme/site' });
    const posted = await commentOnPullRequest(bitbucket(), { fullName: 'acme/site', number: opened.number, body: 'Spedy pushed a revision: def456.', key: 'job-bb-1' });
    expect(posted.url).toBe(`${opened.url}#comment-${posted.id}`);
    expect(api.pullRequestComments.list({ provider: 'bitbucket', repository: 'acme/site' })).toEqual([
      expect.objectContaining({ number: opened.number, body: 'Spedy pushed a revision: def456.\n\n<!-- spedy:job-bb-1 -->', author: 'spedy' }),
    ]);
  });
});

describe('commenting once per key', () => {
  // A retried request whose first attempt reached the host, or a job resumed after it commented: the host has the comment already.
  it.each([
    ['GitHub', github, 'acme/app', 'spedy/once-gh'],
    ['Bitbucket', bitbucket, 'acme/site', 'spedy/once-bb'],
  ] as const)('posts the comment of a key once on %s, and another key again', async (_host, access, fullName, head) => {
    const opened = await openPullRequest(access(), { ...draft, fullName, head });
    // Someone else's comment first: the search reads past it.
    await commentOnPullRequest(access(), { fullName, number: opened.number, body: 'Looks good so far.', key: 'other-job' });
    const first = await commentOnPullRequest(access(), { fullName, number: opened.number, body: 'Spedy pushed a revision: 111.', key: 'revision-of-job-7' });
    const again = await commentOnPullRequest(access(), { fullName, number: opened.number, body: 'Spedy pushed a revision: 111.', key: 'revision-of-job-7' });
    expect(again).toEqual(first);
    await commentOnPullRequest(access(), { fullName, number: opened.number, body: 'Spedy pushed a revision: 222.', key: 'revision-of-job-8' });
    const bodies = api.pullRequestComments.list({ provider: access().provider, repository: fullName, number: opened.number }).map((c) => c.body.split('\n')[0]);
    expect(bodies).toEqual(['Looks good so far.', 'Spedy pushed a revision: 111.', 'Spedy pushed a revision: 222.']);
  });
});

describe('the stand-in’s test-only pull request state', () => {
  it('merges and closes pull requests, as each host reports them', async () => {
    const opened = await openPullRequest(github(), { ...draft, head: 'spedy/merge-me' });
    const setState = (provider: string, repository: string, number: number, state: unknown) =>
      fetch(`${api.url}/_test/pulls/${provider}/${repository}/${number}/state`, { method: 'POST', body: JSON.stringify({ state }) });
    expect((await setState('github', 'acme/app', opened.number, 'merged')).status).toBe(200);
    const pulls = await fetch(`${api.githubUrl}/repos/acme/app/pulls?state=closed`, { headers: { authorization: 'Bearer ghp_comment_token' } });
    expect(await pulls.json()).toEqual([expect.objectContaining({ number: opened.number, state: 'closed', merged: true })]);

    const site = await openPullRequest(bitbucket(), { ...draft, fullName: 'acme/site', head: 'spedy/decline-me' });
    expect((await setState('bitbucket', 'acme/site', site.number, 'closed')).status).toBe(200);
    expect(api.pullRequests.find('bitbucket', 'acme/site', site.number)?.state).toBe('closed');

    expect((await setState('github', 'acme/app', 999, 'merged')).status).toBe(404);
    expect((await setState('github', 'acme/app', opened.number, 'gone')).status).toBe(400);
  });
});
