import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../../test-kit/provider-api/server.ts';
import { ProviderApiError } from './errors.ts';
import { githubClient } from './github.ts';

// Octokit against the test kit's GitHub stand-in, which lives under a path ({url}/github)
// the way GitHub Enterprise's API lives under /api/v3.
let api: ProviderApi;
const transport = { timeoutMs: 10_000, redirect: 'error' as const };

beforeAll(async () => {
  api = await startProviderApi();
  api.addToken('ghp_reader_000', { kind: 'github-classic', login: 'octo', scopes: ['repo'], repositories: ['acme/app'] });
  api.repositories.add('github', 'acme/app', { defaultBranch: 'develop', cloneUrl: 'https://github.example.com/acme/app.git' });
});

afterAll(() => api?.close());

describe('GitHub client', () => {
  it('appends routes to an API base under a path, with or without a trailing slash', async () => {
    for (const apiUrl of [api.githubUrl, `${api.githubUrl}/`, `${api.githubUrl}//`]) {
      const before = api.requests.length;
      const repository = await githubClient({ apiUrl, token: 'ghp_reader_000' }, transport).repository('acme/app');
      expect(repository).toEqual({ fullName: 'acme/app', name: 'app', cloneUrl: 'https://github.example.com/acme/app.git', defaultBranch: 'develop' });
      expect(api.requests.slice(before)).toEqual([{ method: 'GET', path: '/github/repos/acme/app' }]);
    }
  });

  it('reports a refusal with GitHub’s words and a missing host as status 0', async () => {
    const refused = githubClient({ apiUrl: api.githubUrl, token: 'ghp_unknown' }, transport).repository('acme/app');
    await expect(refused).rejects.toMatchObject({ name: 'ProviderApiError', status: 401, said: 'Bad credentials', message: 'GitHub answered 401: Bad credentials' });
    const unanswered = await githubClient({ apiUrl: 'http://127.0.0.1:9/api/v3', token: 'ghp_reader_000' }, transport)
      .repository('acme/app')
      .catch((error: unknown) => error);
    expect(unanswered).toBeInstanceOf(ProviderApiError);
    expect(unanswered).toMatchObject({ status: 0, message: 'Could not reach http://127.0.0.1:9. Check the API URL and that this server can reach it.' });
  });

  it("reads a review's inline comments with their diff_hunk", async () => {
    const diff = 'diff --git a/src/a.ts b/src/a.ts\nindex 1..2 100644\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,3 @@\n const a = 1;\n+const b = 2;\n const c = 3;\n';
    const review = api.reviews.post({ repository: 'acme/app', number: 4, reviewer: 'rita', diff, comments: [{ path: 'src/a.ts', line: 2, body: 'Name it.' }] });
    const comments = await githubClient({ apiUrl: api.githubUrl, token: 'ghp_reader_000' }, transport).reviewComments('acme/app', 4);
    expect(comments).toEqual([{ reviewId: review.id, path: 'src/a.ts', line: 2, body: 'Name it.', diffHunk: '@@ -1,2 +1,3 @@\n const a = 1;\n+const b = 2;' }]);
  });
});
