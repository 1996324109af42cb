import { generateKeyPairSync } from 'node:crypto';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { sql } from '../../test/support/db.ts';
import { orgApi, warmUp } from '../../test/support/org-api.ts';
import { newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { createJob } from '../jobs/create.ts';
import { retiredTokenKinds } from '../integrations/providers.ts';
import { integrationAad } from './bootstrap.ts';
import { getKeyring } from './keyring.ts';
import { seal } from './vault.ts';

// A job's git access through GET /api/v1/runners/jobs/:id/git-access: a GitHub App's
// installation token minted by the platform (never the key), a Bitbucket API token with its
// email, and the repositories the runner cannot deliver to, each with why.
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const bitbucketToken = `ATATT3x${nanoid(24)}`;

let provider: ProviderApi;
let acme: RunnerOrg;
let globex: RunnerOrg;

const repositories: JobSnapshot['repositories'] = [
  { provider: 'github', fullName: 'acme/api', name: 'api', cloneUrl: 'https://github.com/acme/api.git', baseBranch: 'main', setupCommands: [] },
  { provider: 'bitbucket', fullName: 'team/web', name: 'web', cloneUrl: 'https://bitbucket.org/team/web.git', baseBranch: 'develop', setupCommands: [] },
  { provider: 'gitlab', fullName: 'group/tool', name: 'tool', cloneUrl: 'https://gitlab.com/group/tool.git', baseBranch: 'main', setupCommands: [] },
];

/** A Ready job on `repositories`, claimed by a new runner of the organization. */
async function claimedJob(org: RunnerOrg, on: JobSnapshot['repositories']): Promise<{ jobId: string; runnerId: string }> {
  const jobId = await org.db.transaction(async (tx) => {
    const job = await createJob(tx, { organizationId: org.account.orgID, type: 'batch', title: 'Deliver', snapshot: { ...sampleSnapshot(), repositories: on } });
    return job.id;
  });
  const runnerId = await registerRunner(org.api);
  const claimed = await org.api.post('jobs/claim', { runnerId, jobId });
  expect(claimed.body.job?.id).toBe(jobId);
  return { jobId, runnerId };
}

const gitAccess = (org: RunnerOrg, jobId: string, runnerId: string) => org.api.get(`jobs/${jobId}/git-access?runnerId=${encodeURIComponent(runnerId)}`);

beforeAll(async () => {
  provider = await startProviderApi();
  provider.githubApps.add({
    appId: '31337',
    publicKey: appKey.publicKey,
    installations: { '4242': { owner: 'acme', permissions: { contents: 'write', pull_requests: 'write' }, repositories: ['acme/api'] } },
  });
  provider.addToken(bitbucketToken, { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
  await warmUp(['x/integrations']);
  [acme, globex] = await Promise.all([newRunnerOrg('Acme Hosts Owner'), newRunnerOrg('Globex Hosts Owner')]);
  for (const body of [
    { provider: 'github', tokenKind: 'github_app', appId: '31337', installationId: '4242', privateKey, apiUrl: provider.githubUrl },
    { provider: 'bitbucket', email: 'bitty@example.com', token: bitbucketToken, apiUrl: provider.bitbucketUrl },
  ]) {
    const connected = await orgApi(acme.account, 'POST', `${acme.account.orgID}/integrations`, body);
    expect(connected.status, connected.text).toBe(200);
  }
});

afterAll(async () => {
  await provider?.close();
  await acme?.closeDb();
  await globex?.closeDb();
});

describe('a job’s git access', () => {
  it('hands the runner holding the job a minted installation token and the Bitbucket API token, never the App’s key', async () => {
    const { jobId, runnerId } = await claimedJob(acme, repositories);
    const answer = await gitAccess(acme, jobId, runnerId);
    expect(answer.status).toBe(200);
    const minted = provider.githubApps.minted.at(-1);
    expect(minted?.installationId).toBe('4242');
    expect(answer.body.git).toEqual([
      { provider: 'github', apiUrl: provider.githubUrl, token: minted?.token, username: null },
      { provider: 'bitbucket', apiUrl: provider.bitbucketUrl, token: bitbucketToken, username: null, email: 'bitty@example.com' },
    ]);
    expect(answer.body.refused).toEqual([{ repository: 'group/tool', reason: expect.stringMatching(/^group\/tool is on GitLab, where the runner can neither push nor open a merge request/) }]);
    // Asked again before the push: the cached token, still good for more than half an hour.
    const again = await gitAccess(acme, jobId, runnerId);
    expect(again.body.git[0].token).toBe(minted?.token);
    expect(provider.githubApps.minted.filter((m) => m.installationId === '4242').length).toBe(1);

    const bootstrap = await acme.api.get('bootstrap');
    for (const body of [JSON.stringify(answer.body), JSON.stringify(bootstrap.body)]) expect(body).not.toContain('PRIVATE KEY');
    expect(bootstrap.body.git.map((g: { provider: string }) => g.provider)).toEqual(['bitbucket']);
  });

  it('refuses a runner that does not hold the job', async () => {
    const { jobId } = await claimedJob(acme, repositories);
    const other = await registerRunner(acme.api);
    const answer = await gitAccess(acme, jobId, other);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('This job is not held by this runner; claim it first.');
  });

  it('says what to connect when the organization has no integration for a repository’s host, and what replaces a retired app password', async () => {
    const { jobId, runnerId } = await claimedJob(globex, repositories.slice(0, 2));
    const answer = await gitAccess(globex, jobId, runnerId);
    expect(answer.body.git).toEqual([]);
    expect(answer.body.refused).toEqual([
      { repository: 'acme/api', reason: 'Connect GitHub under Settings → Integrations: Spedy clones, pushes and opens pull requests with that integration.' },
      { repository: 'team/web', reason: 'Connect Bitbucket under Settings → Integrations: Spedy clones, pushes and opens pull requests with that integration.' },
    ]);

    // An app password stored before API tokens: refused with what to create instead.
    const id = nanoid();
    const now = Date.now();
    await sql(
      testStack().databaseUrl,
      `INSERT INTO git_integration (id, organization_id, provider, token_kind, api_url, username, masked_preview, active, rotated_at, created_at)
       VALUES ($1, $2, 'bitbucket', 'app_password', $3, 'bitty', 'bb••••', true, $4, $4)`,
      [id, globex.account.orgID, provider.bitbucketUrl, now],
    );
    const sealed = seal(getKeyring(), 'old-app-password', integrationAad(globex.account.orgID, id));
    await sql(testStack().databaseUrl, 'INSERT INTO secure.git_integration_secret (integration_id, ciphertext, key_version) VALUES ($1, $2, $3)', [id, sealed.ciphertext, sealed.keyVersion]);
    const retired = await gitAccess(globex, jobId, runnerId);
    expect(retired.body.refused).toContainEqual({ repository: 'team/web', reason: retiredTokenKinds.app_password });
    const tested = await orgApi(globex.account, 'POST', `${globex.account.orgID}/integrations/${id}/test`);
    expect(tested.body.result).toMatchObject({ ok: false, message: retiredTokenKinds.app_password });
  });
});
