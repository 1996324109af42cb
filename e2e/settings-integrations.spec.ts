import { generateKeyPairSync } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server';
import { sql } from '../test/support/db';
import { testStack } from '../test/support/stack-env';
import { signUpInBrowser } from './support/people';

const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

let provider: ProviderApi;

test.beforeAll(async () => {
  provider = await startProviderApi();
  provider.addToken('github_pat_11E2EREADONLY000000000000', { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'read' }, repositories: ['acme/api'] });
  provider.githubApps.add({
    appId: '5150',
    publicKey: appKey.publicKey,
    installations: { '77': { owner: 'acme', permissions: { contents: 'write', pull_requests: 'write' }, repositories: ['acme/api'] } },
  });
  provider.addToken('ATATT3xE2E0000000000', { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['read:user:bitbucket', 'write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
});

test.afterAll(() => provider?.close());

test('connect GitHub, see the missing permissions, deactivate and disconnect', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Iris Integrations');
  await page.getByRole('link', { name: 'Integrations' }).click();
  const card = page.getByTestId('integration-github');
  await expect(card).toContainText('Not connected');

  await card.getByLabel('Token', { exact: true }).fill('github_pat_11E2EREADONLY000000000000');
  await card.getByLabel('API URL (optional)').fill(provider.githubUrl);
  await card.getByRole('button', { name: 'Connect GitHub' }).click();

  await expect(card.getByTestId('test-result')).toHaveAttribute('data-ok', 'false');
  await expect(card.getByTestId('missing-permissions')).toHaveText('Contents: Read and write, Pull requests: Read and write');
  await expect(card.getByTestId('permission-row').filter({ hasText: 'Metadata' })).toHaveAttribute('data-missing', 'false');
  await expect(card.getByTestId('integration-preview')).toHaveText('github_••••0000');
  await expect(page.locator('body')).not.toContainText('E2EREADONLY');

  await card.getByRole('switch').click();
  await expect(card).toContainText('Inactive');

  await card.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(card).toContainText('Not connected');
});

test('connect a GitHub App and a Bitbucket API token; a stored app password says what to create instead', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Gus GitHub App');
  await page.getByRole('link', { name: 'Integrations' }).click();

  const github = page.getByTestId('integration-github');
  await github.getByRole('combobox', { name: 'Connect with' }).click();
  await page.getByRole('option', { name: /^GitHub App/ }).click();
  await github.getByLabel('App ID').fill('5150');
  await github.getByLabel('Installation ID').fill('77');
  await github.getByLabel('Private key').fill('ssh-rsa AAAA not a pem');
  await github.getByLabel('API URL (optional)').fill(provider.githubUrl);
  await github.getByRole('button', { name: 'Connect GitHub' }).click();
  await expect(github).toContainText('Paste the whole private key');
  await github.getByLabel('Private key').fill(privateKey);
  await github.getByRole('button', { name: 'Connect GitHub' }).click();
  // The connection test minted an installation token with the key and checked it.
  await expect(github.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await expect(github.getByTestId('test-result')).toContainText('Spedy mints a fresh installation token for every job.');
  await expect(github.getByTestId('integration-preview')).toHaveText('App 5150 · installation 77');
  expect(provider.githubApps.minted.map((m) => m.installationId)).toEqual(['77']);

  const bitbucket = page.getByTestId('integration-bitbucket');
  await bitbucket.getByLabel('Atlassian account email').fill('bitty@example.com');
  await bitbucket.getByLabel('API token').fill('ATATT3xE2E0000000000');
  await bitbucket.getByLabel('API URL (optional)').fill(provider.bitbucketUrl);
  await bitbucket.getByRole('button', { name: 'Connect Bitbucket' }).click();
  await expect(bitbucket.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await expect(bitbucket).toContainText('bitty@example.com');
  await expect(page.locator('body')).not.toContainText('ATATT3xE2E');

  // A row from before API tokens (an app password): the card says what to create instead, live.
  const slug = new URL(page.url()).pathname.split('/')[1];
  await sql(
    testStack().databaseUrl,
    "UPDATE git_integration SET token_kind = 'app_password', username = 'bitty', account_email = NULL WHERE provider = 'bitbucket' AND organization_id = (SELECT id FROM organization WHERE slug = $1)",
    [slug],
  );
  await expect(bitbucket.getByTestId('retired-credential')).toContainText('Atlassian retired Bitbucket app passwords in 2026. Create an API token with scopes instead');
});
