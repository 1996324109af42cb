import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { db, orgIdOf } from './support/database';
import { compileRoutes, signUpInBrowser } from './support/people';

const slugOf = (page: Page) => new URL(page.url()).pathname.split('/')[1];

async function openRunners(page: Page, tab?: string) {
  await page.goto(`/${slugOf(page)}/settings/runners${tab ? `?tab=${tab}` : ''}`);
  await expect(page.getByRole('heading', { name: 'Runners', level: 1 })).toBeVisible();
}

// The dev server compiles a route on its first request; on a loaded machine that outlasts an expectation.
test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  await compileRoutes(browser, ['/{org}/settings/runners', '/{org}/settings/runners?tab=secrets']);
});

test('create a token and see the .env snippet and a live readiness checklist', async ({ browser, baseURL }) => {
  const admin = await signUpInBrowser(browser, 'Tara Token');
  const { page } = admin;
  await page.getByRole('link', { name: 'Runners' }).click();
  await expect(page.getByTestId('runners-empty')).toBeVisible();

  await page.getByRole('button', { name: 'Create token' }).click();
  const form = page.getByTestId('create-token-form');
  await form.getByLabel('Name').fill('My Dev Runner');
  await form.getByRole('button', { name: 'Create token' }).click();

  const panel = page.getByTestId('token-created');
  await expect(panel).toBeVisible();
  const token = await panel.getByTestId('new-token').inputValue();
  expect(token).toMatch(/^rnt_[0-9a-f]{64}$/);
  await expect(panel.getByTestId('env-snippet')).toHaveText(`SPEDY_API_URL=${baseURL}/api/v1\nSPEDY_RUNNER_TOKEN=${token}\n`);
  await expect(panel.getByRole('button', { name: 'Copy .env snippet' })).toBeVisible();

  const items = panel.getByTestId('readiness-item');
  await expect(items.filter({ hasText: 'Anthropic API key stored' })).toHaveAttribute('data-done', 'false');
  await expect(items.filter({ hasText: 'Git integration active' })).toHaveAttribute('data-done', 'false');
  await expect(items.filter({ hasText: 'Anthropic API key stored' }).getByRole('link', { name: 'add it under Secrets' })).toBeVisible();

  // The key is stored meanwhile (as another administrator would): the checklist turns without a reload.
  const orgId = await orgIdOf(slugOf(page));
  const stored = await page.request.put(`/api/orgs/${orgId}/secrets`, {
    data: { preset: 'anthropic', value: 'sk-ant-api03-checklist-0123456789abcdef' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(stored.status()).toBe(200);
  await expect(items.filter({ hasText: 'Anthropic API key stored' })).toHaveAttribute('data-done', 'true');

  const row = page.getByTestId('token-row').filter({ hasText: 'My Dev Runner' });
  await expect(row).toContainText(`${token.slice(0, 8)}…`);
  await expect(row).toContainText('Active');

  await page.getByRole('button', { name: 'I have copied it' }).click();
  await expect(panel).toBeHidden();
  await expect(page.locator('body')).not.toContainText(token.slice(8));
  await page.reload();
  await expect(page.getByTestId('token-row')).toHaveCount(1);
  await expect(page.locator('body')).not.toContainText(token.slice(8));

  // Revoke: the badge turns without a reload.
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(row).toContainText('Revoked');
});

test('add, rotate and delete a secret without ever seeing its value again', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Sid Secret');
  await openRunners(page, 'secrets');
  await expect(page.getByTestId('cost-reminder')).toContainText('Your keys, your responsibility');
  await expect(page.getByTestId('cost-reminder').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('cost-reminder')).toContainText('Every job bills your Anthropic account directly');
  await expect(page.getByTestId('cost-reminder')).not.toContainText('does not cap, proxy');

  const first = `sk-ant-api03-${nanoid(24)}-AAAA`;
  const second = `sk-ant-api03-${nanoid(24)}-BBBB`;

  await page.getByRole('button', { name: 'Add secret' }).click();
  await page.getByLabel('API key').fill(first);
  await page.getByRole('button', { name: 'Save secret' }).click();
  const row = page.getByTestId('secret-row').filter({ hasText: 'ANTHROPIC_API_KEY' });
  await expect(row.getByTestId('secret-preview')).toHaveText('sk-ant-••••AAAA');
  await expect(page.locator('body')).not.toContainText(first);
  await page.reload();
  await expect(row.getByTestId('secret-preview')).toHaveText('sk-ant-••••AAAA');
  await expect(page.locator('body')).not.toContainText(first);

  // A custom name is checked as it is typed, with the server's own message.
  await page.getByRole('button', { name: 'Add secret' }).click();
  await page.getByText('Custom', { exact: true }).click();
  await page.getByLabel('Environment variable name').fill('PATH');
  await page.getByLabel('Environment variable name').blur();
  await expect(page.getByText('PATH is reserved for the runner and its container; choose another name.')).toBeVisible();
  await page.keyboard.press('Escape');

  // Rotate: the field is empty, never pre-filled.
  const rotatedBefore = await row.getByTestId('secret-rotated').locator('time').getAttribute('datetime');
  await row.getByRole('button', { name: 'Edit ANTHROPIC_API_KEY' }).click();
  await expect(page.getByLabel('API key')).toHaveValue('');
  await page.getByLabel('API key').fill(second);
  await page.getByRole('button', { name: 'Rotate' }).click();
  await expect(row.getByTestId('secret-preview')).toHaveText('sk-ant-••••BBBB');
  await expect(row.getByTestId('secret-rotated').locator('time')).not.toHaveAttribute('datetime', rotatedBefore ?? '');
  await expect(page.getByTestId('secret-row')).toHaveCount(1);
  for (const value of [first, second]) await expect(page.locator('body')).not.toContainText(value);
  await page.reload();
  for (const value of [first, second]) await expect(page.locator('body')).not.toContainText(value);

  await row.getByRole('button', { name: 'Delete ANTHROPIC_API_KEY' }).click();
  await page.getByRole('button', { name: 'Delete secret' }).click();
  await expect(page.getByTestId('secrets-empty')).toBeVisible();
});

test('a runner going offline turns its badge without a reload', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Otis Online');
  await openRunners(page);
  const orgId = await orgIdOf(slugOf(page));
  const runnerId = nanoid();
  const now = Date.now();
  await db(
    `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
     VALUES ($1, $2, 'build-box', '0.0.6', '["claude_code"]', '["backend","typescript"]', 3, 'token', 'online', $3, $3)`,
    [runnerId, orgId, now - 5_000],
  );
  const row = page.getByTestId('runner-row').filter({ hasText: 'build-box' });
  await expect(row.getByTestId('runner-status')).toHaveText('Online');
  await expect(row).toContainText('claude_code');
  await expect(row).toContainText('backend');
  await expect(row.getByTestId('runner-active-jobs')).toHaveText('0 running');
  // A supervisor that did not report its AI backend knew only key mode; one restarted in local mode says so.
  await expect(row.getByTestId('runner-ai-backend')).toHaveText('Anthropic key');
  await db(`UPDATE runner SET ai_backend = 'local' WHERE id = $1`, [runnerId]);
  await expect(row.getByTestId('runner-ai-backend')).toHaveText('Local Claude');

  // What the heartbeat monitor does in production once the timeout passes.
  await db(`UPDATE runner SET status = 'offline' WHERE id = $1`, [runnerId]);
  await expect(row.getByTestId('runner-status')).toHaveText('Offline');
});

test('the empty state offers the Spedy Supervisor as a versioned download and names the commands that start it', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Dora Download');
  await openRunners(page);
  const empty = page.getByTestId('runners-empty');
  await expect(empty).toContainText('./setup.sh');
  await expect(empty).toContainText('docker compose up -d');
  await expect(empty).toContainText('COMPOSE_DOCKER_CLI_BUILD=0 docker-compose up -d');

  // The version and size come from the server before anything is fetched; the preparation may take a few seconds.
  const button = empty.getByTestId('bundle-download');
  await expect(button).toBeVisible({ timeout: 60_000 });
  const version = await button.getAttribute('data-version');
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  await expect(button).toHaveText(new RegExp(`^Download the Spedy Supervisor v${version!.replace(/\./g, '\\.')} \\(\\d+(\\.\\d)? (KB|MB)\\)$`));
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toBe(`spedy-supervisor-${version}.tar.gz`);
  const file = await download.path();
  expect(fs.statSync(file).size).toBeGreaterThan(0);
  expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

  // Beside the .env snippet of a new token too.
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByTestId('create-token-form').getByLabel('Name').fill('Download box');
  await page.getByTestId('create-token-form').getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('token-created').getByTestId('bundle-download')).toHaveAttribute('data-version', version!, { timeout: 60_000 });
});

test('runner settings keep the offline timeout within bounds and save', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Sam Settings');
  await openRunners(page, 'settings');
  const timeout = page.getByLabel('Offline timeout (seconds)');
  await expect(timeout).toHaveValue('90');
  await timeout.fill('5');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('A runner is marked offline after 10 seconds at the earliest.')).toBeVisible();
  await timeout.fill('120');
  await page.getByRole('switch', { name: 'Retrigger on review' }).click();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await page.reload();
  await expect(page.getByLabel('Offline timeout (seconds)')).toHaveValue('120');
  await expect(page.getByRole('switch', { name: 'Retrigger on review' })).toHaveAttribute('aria-checked', 'true');
});

test('create a job by hand, filter the list and stop it from its details', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Jo Jobs');
  await openRunners(page, 'jobs');
  await expect(page.getByTestId('jobs-empty')).toBeVisible();

  await page.getByRole('button', { name: 'Create job' }).click();
  const form = page.getByTestId('create-job-form');
  await form.getByLabel('Title').fill('Update the changelog');
  await form.getByLabel('Instructions').fill('Add the 1.2 release notes.');
  await form.getByLabel('Required labels').fill('docs');
  await form.getByRole('button', { name: 'Create job' }).click();

  const detail = page.getByTestId('job-detail');
  await expect(detail).toContainText('Update the changelog');
  await expect(detail.getByTestId('job-status').first()).toHaveText('Ready');
  await expect(detail).toContainText('Custom · Sonnet 4.6');
  await detail.getByRole('button', { name: 'Stop job' }).click();
  await page.getByRole('dialog', { name: 'Stop this job?' }).getByRole('button', { name: 'Stop job' }).click();
  await expect(detail.getByTestId('job-status').first()).toHaveText('Stopped');
  await page.keyboard.press('Escape');

  const row = page.getByTestId('job-row').filter({ hasText: 'Update the changelog' });
  await expect(row.getByTestId('job-status')).toHaveText('Stopped');
  await page.getByTestId('job-status-filter').click();
  await page.getByRole('option', { name: 'Completed' }).click();
  await expect(page.getByTestId('jobs-empty')).toContainText('No jobs with this status');
  await page.getByTestId('job-status-filter').click();
  await page.getByRole('option', { name: 'Stopped' }).click();
  await expect(row).toBeVisible();
});

test('the migration banner names the bundle’s commands and disappears live when the Anthropic key is stored', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Mia Migrate');
  await openRunners(page);
  const orgId = await orgIdOf(slugOf(page));
  const now = Date.now();
  // A runner that connected before the vault held the key.
  await db(
    `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
     VALUES ($1, $2, 'old-box', '0.0.5', '["claude_code"]', '[]', 1, 'token', 'online', $3, $3)`,
    [nanoid(), orgId, now],
  );
  const banner = page.getByTestId('migration-banner');
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId('migration-command')).toHaveText('docker compose build spedy-supervisor && docker compose up -d spedy-supervisor');
  await expect(banner.getByRole('link', { name: 'Secrets' })).toBeVisible();

  // Another administrator stores the key: the banner goes without a reload.
  const stored = await page.request.put(`/api/orgs/${orgId}/secrets`, {
    data: { preset: 'anthropic', value: 'sk-ant-api03-banner-0123456789abcdef' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(stored.status()).toBe(200);
  await expect(banner).toBeHidden();
  await expect(page.getByTestId('runner-row').filter({ hasText: 'old-box' })).toBeVisible();
});
