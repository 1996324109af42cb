import { expect, test } from '@playwright/test';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server';
import { sql } from '../test/support/db';
import { testStack } from '../test/support/stack-env';
import { createProjectInBrowser, signUpInBrowser } from './support/people';
import { createTeamInBrowser } from './support/teams';

let provider: ProviderApi;
const githubToken = 'ghp_buildvalidate000000000000000000000';

test.beforeAll(async () => {
  provider = await startProviderApi();
  provider.addToken(githubToken, { kind: 'github-classic', login: 'octo', scopes: ['repo'], repositories: ['acme/shop'] });
  provider.repositories.add('github', 'acme/shop', { defaultBranch: 'develop', cloneUrl: 'https://github.com/acme/shop.git' });
});

test.afterAll(() => provider?.close());

// Several pages, each compiled on first use under a development stack.
test.describe.configure({ timeout: 180_000 });

test('picks the runner team for a project, links repositories with their base branch and overrides it', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Bea Build');
  await createProjectInBrowser(page, 'Shop', 'SHOP');
  const slug = new URL(page.url()).pathname.split('/')[1];
  const [org] = await sql<{ id: string }>(testStack().databaseUrl, 'SELECT id FROM organization WHERE slug = $1', [slug]);
  const [project] = await sql<{ id: string }>(testStack().databaseUrl, "SELECT id FROM project WHERE organization_id = $1 AND key = 'SHOP'", [org.id]);

  // GitHub through the organization's integration (the Integrations page's route), against the stand-in.
  const connected = await page.request.post(`/api/orgs/${org.id}/integrations`, {
    data: { provider: 'github', tokenKind: 'personal', token: githubToken, apiUrl: provider.githubUrl },
  });
  expect(connected.status()).toBe(200);
  await createTeamInBrowser(page, 'code_runner', 'Shop Coders', 'shopbot');

  await page.getByRole('complementary').getByRole('link', { name: 'Shop' }).click();
  await page.getByRole('link', { name: 'Project settings' }).click();
  await expect(page).toHaveURL(/\/projects\/SHOP\/settings$/);
  await expect(page.getByRole('heading', { name: 'Shop settings' })).toBeVisible({ timeout: 60_000 });

  // The runner team and its trigger.
  const picker = page.getByTestId('runner-team-picker');
  await picker.getByRole('combobox', { name: 'Team' }).click();
  await page.getByRole('option', { name: 'Shop Coders (@shopbot)' }).click();
  await expect(picker.getByTestId('runner-team-summary')).toContainText('Tickets moved to AI Processing start a job');
  await picker.getByRole('combobox', { name: 'Trigger' }).click();
  await page.getByRole('option', { name: /^Off/ }).click();
  await expect(picker.getByTestId('runner-team-summary')).toContainText('do not start a job');
  await expect
    .poll(async () => sql(testStack().databaseUrl, 'SELECT t.name, c.trigger_on_status FROM project_runner_config c JOIN runner_team t ON t.id = c.team_id WHERE c.project_id = $1', [project.id]))
    .toEqual([{ name: 'Shop Coders', trigger_on_status: 'off' }]);

  // A repository the token cannot reach is explained, and nothing is linked.
  const form = page.getByTestId('link-repository-form');
  await expect(form).toContainText('Read with the GitHub integration');
  await form.getByLabel('Repository (owner/name)').fill('acme/missing');
  await form.getByRole('button', { name: 'Link repository' }).click();
  await expect(form.getByTestId('link-repository-error')).toContainText("GitHub has no repository acme/missing that the GitHub integration's token can reach");
  await expect(page.getByTestId('repositories-empty')).toBeVisible();

  // GitHub: the base branch is the default branch the provider reports.
  await form.getByLabel('Repository (owner/name)').fill('https://github.com/acme/shop');
  await form.getByRole('button', { name: 'Link repository' }).click();
  const shop = page.locator('[data-testid="repository-row"][data-repository="acme/shop"]');
  await expect(shop.getByTestId('base-branch')).toHaveText('develop');
  await expect(shop.getByTestId('working-directory')).toHaveText('/workspace/shop');

  // GitLab is no longer offered; a GitLab link made before stays listed, explained (it appears live).
  await form.getByRole('combobox', { name: 'Provider' }).click();
  await expect(page.getByRole('option')).toHaveText(['GitHub', 'Bitbucket']);
  await page.keyboard.press('Escape');
  await sql(
    testStack().databaseUrl,
    `INSERT INTO project_repository (id, organization_id, project_id, provider, full_name, name, clone_url, default_branch, base_branch, setup_commands, created_at)
     VALUES ('repo_linter_' || $1, $2, $1, 'gitlab', 'tools/linter', 'linter', 'https://gitlab.com/tools/linter.git', 'master', 'master', '[]', $3)`,
    [project.id, org.id, Date.now()],
  );
  const linter = page.locator('[data-testid="repository-row"][data-repository="tools/linter"]');
  await expect(linter.getByTestId('gitlab-not-delivered')).toContainText('GitLab is not offered: the runner can neither push to GitLab nor open a merge request there.');

  // Bitbucket is not connected: the form says so, and so does the server.
  await form.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: 'Bitbucket' }).click();
  await expect(form).toContainText('Bitbucket is not connected.');
  await form.getByLabel('Repository (workspace/name)').fill('team/web');
  await form.getByRole('button', { name: 'Link repository' }).click();
  await expect(form.getByTestId('link-repository-error')).toContainText('Connect Bitbucket under Settings → Integrations');

  // Override the base branch; an invalid name is refused inline.
  await shop.getByRole('button', { name: 'Override the base branch of acme/shop' }).click();
  const branch = shop.getByLabel('Base branch of acme/shop');
  await branch.fill('release..1');
  await shop.getByRole('button', { name: 'Save' }).click();
  await expect(shop.getByRole('alert')).toContainText('That is not a valid branch name');
  await branch.fill('release/2.0');
  await shop.getByRole('button', { name: 'Save' }).click();
  await expect(shop.getByTestId('base-branch')).toHaveText('release/2.0');
  await expect(shop).toContainText('(default: develop)');
  await page.reload();
  await expect(shop.getByTestId('base-branch')).toHaveText('release/2.0');
  expect(await sql(testStack().databaseUrl, 'SELECT full_name, default_branch, base_branch FROM project_repository WHERE project_id = $1 ORDER BY full_name', [project.id])).toEqual([
    { full_name: 'acme/shop', default_branch: 'develop', base_branch: 'release/2.0' },
    { full_name: 'tools/linter', default_branch: 'master', base_branch: 'master' },
  ]);

  // Setup commands: shell syntax is refused inline, with what to do; saved ones show at once and after a reload.
  await expect(shop.getByTestId('setup-commands')).toContainText('No setup commands');
  await shop.getByRole('button', { name: 'Edit the setup commands of acme/shop' }).click();
  const setup = shop.getByLabel('Setup commands of acme/shop');
  await setup.fill('apt-get update && apt-get install -y python3-venv');
  await expect(shop.getByTestId('setup-command-errors')).toContainText(
    'Line 1: Setup command "apt-get update && apt-get install -y python3-venv" contains "&&"; list commands one per line instead (they run without a shell).',
  );
  await expect(shop.getByRole('button', { name: 'Save setup commands' })).toBeDisabled();
  await setup.fill('apt-get install -y python3-venv\n\npip install -r requirements.txt');
  await expect(shop.getByTestId('setup-command-errors')).toBeEmpty();
  await shop.getByRole('button', { name: 'Save setup commands' }).click();
  const saved = shop.getByRole('list', { name: 'Setup commands of acme/shop' });
  await expect(saved.getByRole('listitem')).toHaveText(['apt-get install -y python3-venv', 'pip install -r requirements.txt']);
  await page.reload();
  await expect(saved.getByRole('listitem')).toHaveText(['apt-get install -y python3-venv', 'pip install -r requirements.txt']);
  expect(await sql(testStack().databaseUrl, "SELECT setup_commands FROM project_repository WHERE project_id = $1 AND full_name = 'acme/shop'", [project.id])).toEqual([
    { setup_commands: ['apt-get install -y python3-venv', 'pip install -r requirements.txt'] },
  ]);

  // Remove one.
  await linter.getByRole('button', { name: 'Remove tools/linter' }).click();
  await page.getByRole('button', { name: 'Remove repository' }).click();
  await expect(linter).toHaveCount(0);
  await expect(page.getByTestId('repository-row')).toHaveCount(1);
});
