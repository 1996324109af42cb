import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { testBitbucketConnection } from './bitbucket.ts';
import { createAddressGuard } from '../net/address-guard.ts';
import { testGithubConnection } from './github.ts';

// The platform's transport (address guard, 10 s, no redirects), admitting the stand-in on loopback.
const transport = { fetch: createAddressGuard({ allowedInternalHosts: '127.0.0.1' }).fetch, timeoutMs: 10_000, redirect: 'error' as const };

let api: ProviderApi;

beforeAll(async () => {
  api = await startProviderApi();
  api.addToken('ghp_full', { kind: 'github-classic', login: 'octo', scopes: ['repo', 'read:org'] });
  api.addToken('ghp_public', { kind: 'github-classic', login: 'octo', scopes: ['public_repo'] });
  api.addToken('github_pat_all', {
    kind: 'github-fine-grained',
    login: 'octo',
    permissions: { contents: 'write', pull_requests: 'write' },
    repositories: ['acme/api'],
  });
  api.addToken('github_pat_readonly', {
    kind: 'github-fine-grained',
    login: 'octo',
    permissions: { contents: 'read' },
    repositories: ['acme/api'],
  });
  api.addToken('github_pat_norepo', { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'write' }, repositories: [] });
  api.addToken('ghs_install', { kind: 'github-installation', owner: 'acme', permissions: { contents: 'write', pull_requests: 'read' }, repositories: ['acme/web'] });
  api.addToken('ATATT_full', { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['read:user:bitbucket', 'admin:repository:bitbucket', 'write:pullrequest:bitbucket'] });
  api.addToken('ATATT_read', { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['read:user:bitbucket', 'read:repository:bitbucket', 'read:pullrequest:bitbucket'] });
});

afterAll(() => api?.close());

describe('GitHub test connection', () => {
  it('accepts a classic token with the repo scope', async () => {
    const result = await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'ghp_full' }, transport);
    expect(result).toMatchObject({ ok: true, account: 'octo', missing: [] });
  });

  it('lists Contents and Pull requests for a classic token without repo', async () => {
    const result = await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'ghp_public' }, transport);
    expect(result.ok).toBe(false);
    expect(result.missing).toEqual(['Contents: Read and write', 'Pull requests: Read and write']);
    expect(result.message).toMatch(/repo scope/);
  });

  it('probes a fine-grained token on a repository it can reach, without creating anything', async () => {
    expect(await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'github_pat_all' }, transport)).toMatchObject({ ok: true, missing: [] });
    const readOnly = await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'github_pat_readonly' }, transport);
    expect(readOnly.missing).toEqual(['Contents: Read and write', 'Pull requests: Read and write']);
    expect(readOnly.message).toContain('acme/api');
  });

  it('says so when a token reaches no repository', async () => {
    const result = await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'github_pat_norepo' }, transport);
    expect(result).toMatchObject({ ok: false, missing: [] });
    expect(result.message).toMatch(/no repository/);
  });

  it('checks an app installation token through its installation repositories', async () => {
    const result = await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'app_installation', token: 'ghs_install' }, transport);
    expect(result).toMatchObject({ ok: false, account: 'acme', missing: ['Pull requests: Read and write'] });
  });

  it('reports bad credentials and unreachable servers as readable messages', async () => {
    expect((await testGithubConnection({ apiUrl: api.githubUrl, tokenKind: 'personal', token: 'ghp_unknown' }, transport)).message).toMatch(/bad credentials/);
    const unreachable = await testGithubConnection({ apiUrl: 'http://127.0.0.1:9/api', tokenKind: 'personal', token: 'ghp_full' }, transport);
    expect(unreachable).toMatchObject({ ok: false });
    expect(unreachable.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9/);
    expect(unreachable.message).not.toContain('ghp_full');
  });
});

describe('Bitbucket test connection', () => {
  const apiToken = (email: string, token: string) => ({ apiUrl: api.bitbucketUrl, email, username: null, token });

  it('accepts an API token (with the account email) whose scopes imply write access', async () => {
    const result = await testBitbucketConnection(apiToken('bitty@example.com', 'ATATT_full'), transport);
    expect(result).toMatchObject({ ok: true, account: 'bitty', missing: [] });
  });

  it('lists the missing write scopes', async () => {
    const result = await testBitbucketConnection(apiToken('bitty@example.com', 'ATATT_read'), transport);
    expect(result).toMatchObject({ ok: false, missing: ['Repositories: Write', 'Pull requests: Write'] });
  });

  it('refuses an API token sent with the username instead of the email', async () => {
    const result = await testBitbucketConnection(apiToken('bitty', 'ATATT_full'), transport);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/refused the email and API token/);
  });
});
