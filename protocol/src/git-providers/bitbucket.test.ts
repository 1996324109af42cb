import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../../test-kit/provider-api/server.ts';
import { bitbucketClient } from './bitbucket.ts';

// The Bitbucket client against the test kit's Bitbucket stand-in, with the platform's transport
// rule (redirects refused unless the client follows one itself).
let api: ProviderApi;
const transport = { timeoutMs: 10_000, redirect: 'error' as const };
const email = 'spedy@example.com';
const token = 'ATATT_client_test_1';
const client = () => bitbucketClient({ apiUrl: api.bitbucketUrl, token, username: null, email }, transport);

// `git diff main...branch` of the pull request's branch: one changed file, one deleted.
const diff = [
  'diff --git a/src/login.ts b/src/login.ts',
  'index 3b18e51..a9c4b2f 100644',
  '--- a/src/login.ts',
  '+++ b/src/login.ts',
  '@@ -10,4 +10,5 @@ export async function login(user: User) {',
  '   const session = await open(user);',
  '-  log(session.token);',
  '+  if (session.expired) throw new ExpiredSession();',
  '+  audit(user.id);',
  '   return session;',
  ' }',
  'diff --git a/src/legacy.ts b/src/legacy.ts',
  'deleted file mode 100644',
  'index 7c4a013..0000000',
  '--- a/src/legacy.ts',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-export const legacy = true;',
  '-export default legacy;',
  '',
].join('\n');

beforeAll(async () => {
  api = await startProviderApi();
  api.addToken(token, { kind: 'bitbucket-api-token', email, username: 'spedy-bot', scopes: ['write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
});

afterAll(() => api?.close());

describe('Bitbucket client', () => {
  it("cuts each inline comment's diff hunk from the pull request's diff, following Bitbucket's redirect to it", async () => {
    const opened = await client().openPullRequest({ fullName: 'acme/web', head: 'spedy/login', base: 'main', title: 'Login', body: '' });
    api.reviews.post({
      provider: 'bitbucket',
      repository: 'acme/web',
      number: opened.number,
      reviewer: 'rita',
      body: 'A few things.',
      diff,
      comments: [
        { path: 'src/login.ts', line: 11, body: 'Name the error.' },
        { path: 'src/login.ts', line: 11, side: 'old', body: 'Keep a redacted log line.' },
        { path: 'src/legacy.ts', line: 2, side: 'old', body: 'Who imported this?' },
        { path: 'README.md', line: 3, body: 'Mention the expiry.' },
      ],
    });
    const before = api.requests.length;
    const comments = await client().pullRequestComments('acme/web', opened.number);
    expect(comments).toEqual([
      { path: null, line: null, body: 'A few things.' },
      { path: 'src/login.ts', line: 11, body: 'Name the error.', diffHunk: diff.split('\n').slice(4, 8).join('\n') },
      { path: 'src/login.ts', line: 11, body: 'Keep a redacted log line.', diffHunk: diff.split('\n').slice(4, 7).join('\n') },
      { path: 'src/legacy.ts', line: 2, body: 'Who imported this?', diffHunk: '@@ -1,2 +0,0 @@\n-export const legacy = true;\n-export default legacy;' },
      // Outside the diff: no hunk.
      { path: 'README.md', line: 3, body: 'Mention the expiry.' },
    ]);
    const paths = api.requests.slice(before).map((r) => r.path);
    expect(paths.slice(0, 2)).toEqual([`/bitbucket/2.0/repositories/acme/web/pullrequests/${opened.number}/comments`, `/bitbucket/2.0/repositories/acme/web/pullrequests/${opened.number}/diff`]);
    expect(paths[2]).toMatch(/^\/bitbucket\/2\.0\/repositories\/acme\/web\/diff\/acme\/web:[0-9a-f]{12}%0D[0-9a-f]{12}$/);
  });

  it('reads no diff for a pull request without inline comments', async () => {
    const opened = await client().openPullRequest({ fullName: 'acme/web', head: 'spedy/plain', base: 'main', title: 'Plain', body: '' });
    api.reviews.post({ provider: 'bitbucket', repository: 'acme/web', number: opened.number, reviewer: 'rita', body: 'Looks off.' });
    const before = api.requests.length;
    expect(await client().pullRequestComments('acme/web', opened.number)).toEqual([{ path: null, line: null, body: 'Looks off.' }]);
    expect(api.requests.slice(before).some((r) => r.path.endsWith('/diff'))).toBe(false);
  });

  it('answers a second pull request from the same source to the same destination with the open one, as Bitbucket does', async () => {
    const draft = { fullName: 'acme/shop', head: 'spedy/retry', base: 'main', title: 'Retry', body: 'First attempt' };
    const first = await client().openPullRequest(draft);
    const again = await client().openPullRequest({ ...draft, body: 'Second attempt' });
    expect(again).toEqual(first);
    expect(api.pullRequests.list({ provider: 'bitbucket', repository: 'acme/shop' })).toEqual([expect.objectContaining({ number: first.number, body: 'Second attempt' })]);
    // Another destination, or once the first is merged, is a pull request of its own.
    const elsewhere = await client().openPullRequest({ ...draft, base: 'release' });
    api.pullRequests.setState('bitbucket', 'acme/shop', first.number, 'merged');
    const after = await client().openPullRequest(draft);
    expect(new Set([first.number, elsewhere.number, after.number]).size).toBe(3);
  });
});
