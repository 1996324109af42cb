import { expect, test } from '@playwright/test';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server';
import { signUpInBrowser } from './support/people';

let provider: ProviderApi;

test.beforeAll(async () => {
  provider = await startProviderApi();
  provider.addToken('github_pat_11E2EREADONLY000000000000', { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'read' }, repositories: ['acme/api'] });
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
