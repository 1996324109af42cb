import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../lib/db/client.ts';
import { buildBootstrapBundle } from '../lib/secrets/bootstrap.ts';
import { createKeyring } from '../lib/secrets/vault.ts';
import { loadOrCreateLocalSecrets } from '../stack/secrets-file.ts';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { signUp, type TestAccount } from './support/accounts.ts';
import { sql } from './support/db.ts';
import { memberOf, orgApi, stackDataDir, warmUp } from './support/org-api.ts';
import { testStack } from './support/stack-env.ts';

let provider: ProviderApi;
let owner: TestAccount;
let member: TestAccount;
let outsider: TestAccount;

const readOnlyPat = 'github_pat_11READONLY0000000000000000';
const fullPat = 'github_pat_11FULLACCESS000000000000000';

const integrations = (orgID: string) =>
  sql<{ id: string; provider: string; token_kind: string; api_url: string; masked_preview: string; active: boolean; last_test_result: unknown; rotated_at: number; ciphertext: string }>(
    testStack().databaseUrl,
    `SELECT g.id, g.provider, g.token_kind, g.api_url, g.masked_preview, g.active, g.last_test_result, g.rotated_at, s.ciphertext
       FROM git_integration g JOIN secure.git_integration_secret s ON s.integration_id = g.id WHERE g.organization_id = $1 ORDER BY g.provider`,
    [orgID],
  );

beforeAll(async () => {
  const { appUrl, databaseUrl } = testStack();
  provider = await startProviderApi();
  provider.addToken(readOnlyPat, { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'read' }, repositories: ['acme/api'] });
  provider.addToken(fullPat, { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'write', pull_requests: 'write' }, repositories: ['acme/api'] });
  provider.addToken('ATATTbbApiToken123', { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['read:user:bitbucket', 'write:repository:bitbucket'] });
  await warmUp(['x/integrations', 'x/integrations/y/test']);
  owner = await signUp(appUrl, databaseUrl, 'Greta Git');
  member = await memberOf(owner, 'Mia Member');
  outsider = await signUp(appUrl, databaseUrl, 'Olaf Outsider');
});

afterAll(() => provider?.close());

describe('git integrations', () => {
  it('connects GitHub with the token sealed and only a masked preview in the public row', async () => {
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, { provider: 'github', tokenKind: 'personal', token: readOnlyPat, apiUrl: `${provider.githubUrl}/` });
    expect(answer.status).toBe(200);
    expect(answer.body.integration).toMatchObject({ provider: 'github', apiUrl: provider.githubUrl, active: true, rotated: false });
    expect(answer.text).not.toContain(readOnlyPat);
    const [row] = await integrations(owner.orgID);
    expect(row.masked_preview).toMatch(/^github_••••0000$/);
    expect(row.ciphertext).not.toContain('READONLY');
  });

  it('tests the connection and reports the missing permissions from the stand-in', async () => {
    const [row] = await integrations(owner.orgID);
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/integrations/${row.id}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ ok: false, account: 'octo', missing: ['Contents: Read and write', 'Pull requests: Read and write'] });
    const [after] = await integrations(owner.orgID);
    expect(after.last_test_result).toEqual(answer.body.result);
    // The stand-in saw the permission probes, nothing else.
    expect(provider.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /github/user', 'GET /github/repos/acme/api', 'POST /github/repos/acme/api/pulls']),
    );
  });

  it('rotates the token in place, clears the old test result, and the runner bootstrap gets the new token', async () => {
    const [before] = await integrations(owner.orgID);
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, { provider: 'github', tokenKind: 'personal', token: fullPat, apiUrl: provider.githubUrl });
    expect(answer.body.integration).toMatchObject({ id: before.id, rotated: true });
    const [after] = await integrations(owner.orgID);
    expect(after.last_test_result).toBeNull();
    expect(after.ciphertext).not.toBe(before.ciphertext);

    const tested = await orgApi(owner, 'POST', `${owner.orgID}/integrations/${after.id}/test`);
    expect(tested.body.result).toMatchObject({ ok: true, missing: [] });

    const { db, close } = connectDb(testStack().databaseUrl);
    try {
      const secrets = await loadOrCreateLocalSecrets(stackDataDir(), process.env);
      const bundle = await buildBootstrapBundle(db, createKeyring(secrets.vaultMasterKey), owner.orgID);
      expect(bundle.git.map((access) => access.token)).toContain(fullPat);
      expect(bundle.env.GITHUB_TOKEN).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('connects Bitbucket with an API token and the account email, and lists the scope it lacks', async () => {
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, { provider: 'bitbucket', email: 'bitty@example.com', token: 'ATATTbbApiToken123', apiUrl: provider.bitbucketUrl });
    expect(answer.status).toBe(200);
    expect(answer.body.integration).toMatchObject({ tokenKind: 'api_token', accountEmail: 'bitty@example.com', username: null });
    const id = (answer.body.integration as { id: string }).id;
    const tested = await orgApi(owner, 'POST', `${owner.orgID}/integrations/${id}/test`);
    expect(tested.body.result).toMatchObject({ ok: false, account: 'bitty', missing: ['Pull requests: Write'] });
  });

  it('refuses a Member (403) and another organization (404) and writes nothing', async () => {
    const [github] = await integrations(owner.orgID);
    const byMember = await orgApi(member, 'POST', `${owner.orgID}/integrations`, { provider: 'github', tokenKind: 'personal', token: 'ghp_member', apiUrl: provider.githubUrl });
    expect(byMember.status).toBe(403);
    expect(byMember.body.error).toBe('Only administrators can manage git integrations.');
    const testByMember = await orgApi(member, 'POST', `${owner.orgID}/integrations/${github.id}/test`);
    expect(testByMember.status).toBe(403);
    const testByOutsider = await orgApi(outsider, 'POST', `${outsider.orgID}/integrations/${github.id}/test`);
    expect(testByOutsider.status).toBe(404);
    expect(testByOutsider.body.error).toBe('Integration not found.');
    const [after] = await integrations(owner.orgID);
    expect(after.ciphertext).toBe(github.ciphertext);
  });

  it.each([
    ['an API URL that is not http(s)', { provider: 'github', tokenKind: 'personal', token: 'ghp_x', apiUrl: 'ftp://example.com' }, /https:\/\//],
    ['credentials inside the API URL', { provider: 'github', tokenKind: 'personal', token: 'ghp_x', apiUrl: 'https://me:pw@example.com' }, /Leave credentials out/],
    ['Bitbucket without an email', { provider: 'bitbucket', token: 'x' }, /Atlassian account email/],
    ['a Bitbucket app password', { provider: 'bitbucket', tokenKind: 'app_password', email: 'bitty@example.com', token: 'x' }, /Atlassian retired Bitbucket app passwords in 2026\. Create an API token/],
    ['a pasted installation token', { provider: 'github', tokenKind: 'app_installation', token: 'ghs_x' }, /Connect the GitHub App instead/],
    ['a GitHub App without its installation ID', { provider: 'github', tokenKind: 'github_app', appId: '1', privateKey: 'x' }, /installation ID/],
    ['a GitHub App key that is not PEM', { provider: 'github', tokenKind: 'github_app', appId: '1', installationId: '2', privateKey: 'ssh-rsa AAAA' }, /Paste the whole private key/],
    [
      'a GitHub App key node cannot read',
      { provider: 'github', tokenKind: 'github_app', appId: '1', installationId: '2', privateKey: '-----BEGIN RSA PRIVATE KEY-----\nbroken\n-----END RSA PRIVATE KEY-----' },
      /The private key could not be read/,
    ],
    ['a token with spaces', { provider: 'github', tokenKind: 'personal', token: 'ghp x y' }, /spaces/],
    ['an unknown token kind', { provider: 'github', tokenKind: 'oauth', token: 'ghp_x' }, /"personal" \(a token\) or "github_app"/],
  ])('refuses %s with a 400', async (_what, body, message) => {
    const before = await integrations(owner.orgID);
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
    expect(await integrations(owner.orgID)).toEqual(before);
  });
});
