import { expect, test } from '@playwright/test';
import { sql } from '../test/support/db';
import { testStack } from '../test/support/stack-env';
import { signUpInBrowser } from './support/people';
import { createTeamInBrowser, dragStep, pipelineSteps } from './support/teams';

type StoredStage = { name: string; enabled: boolean; validationCommands: string[]; skillIds: string[]; mcpServerIds: string[]; allowedTools: string[] };

async function storedPipeline(teamName: string) {
  const [row] = await sql<{ pipeline: { steps: { stages: StoredStage[] }[] } }>(testStack().databaseUrl, 'SELECT pipeline FROM runner_team WHERE name = $1 ORDER BY created_at DESC LIMIT 1', [
    teamName,
  ]);
  return row.pipeline.steps.map((s) => s.stages);
}

// Long flows through several pages (each compiled on first use under a development stack).
test.describe.configure({ timeout: 180_000 });

test('builds a team from each preset', async ({ browser }) => {
  const { page, email } = await signUpInBrowser(browser, 'Pia Preset');

  await createTeamInBrowser(page, 'code_runner', 'Coders');
  expect(await pipelineSteps(page)).toEqual([['Planner'], ['Implement'], ['Review']]);
  await createTeamInBrowser(page, 'board_agent', 'Helpers', 'helper');
  expect(await pipelineSteps(page)).toEqual([['Board Agent']]);
  await createTeamInBrowser(page, 'review_team', 'Reviewers');
  expect(await pipelineSteps(page)).toEqual([['Security Reviewer', 'Quality Reviewer'], ['Review Lead']]);
  await expect(page.getByTestId('pipeline-step').first()).toContainText('2 stages in parallel');
  await createTeamInBrowser(page, 'full_stack', 'Full Stack');
  expect(await pipelineSteps(page)).toEqual([['Backend', 'Frontend'], ['Integration Validator']]);

  await page.getByRole('complementary').getByRole('link', { name: 'Runner Teams' }).click();
  const rows = page.getByTestId('team-row');
  await expect(rows).toHaveCount(4);
  for (const [team, preset, stages] of [
    ['Coders', 'Code Runner', '3'],
    ['Helpers', 'Board Agent', '1'],
    ['Reviewers', 'Review Team', '3'],
    ['Full Stack', 'Full-Stack Team', '3'],
  ]) {
    const row = page.locator(`[data-testid="team-row"][data-team="${team}"]`);
    await expect(row.getByTestId('team-preset')).toHaveText(preset);
    await expect(row.getByTestId('team-stage-count')).toHaveText(stages);
    await expect(row.getByTestId('team-statuses')).toContainText('AI Processing → In Review');
  }
  await expect(page.locator('[data-team="Helpers"]')).toContainText('@helper');

  // One @handle namespace: the form says so before the server would refuse.
  await page.getByRole('button', { name: 'Create team' }).first().click();
  const form = page.getByTestId('create-team-form');
  await form.getByLabel('Name', { exact: true }).fill('Second helper');
  await form.getByLabel('Handle').fill('helper');
  await expect(form.getByRole('alert')).toHaveText('@helper is already taken by another team.');
  const ownHandle = email.split('@')[0].replace(/[^a-zA-Z0-9_-]/g, '').toLowerCase();
  await form.getByLabel('Handle').fill(ownHandle);
  await expect(form.getByRole('alert')).toHaveText(`@${ownHandle} is already taken by a member.`);
  await form.getByLabel('Handle').fill('No Spaces');
  await expect(form.getByRole('alert')).toContainText('Handles are 2–39 lowercase letters');
});

test('edits and reorders stages: drag a step, toggle a stage, a dangerous validation command is shown inline, save', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Otto Order');
  await createTeamInBrowser(page, 'code_runner', 'Pipeline Crew');

  // Drag the Review step to the top.
  await dragStep(page, 2, 0);
  await expect.poll(() => pipelineSteps(page)).toEqual([['Review'], ['Planner'], ['Implement']]);
  await expect(page.getByTestId('pipeline-save-bar')).toContainText('Unsaved changes');

  // Disable the Planner.
  await page.getByRole('switch', { name: 'Enable Planner' }).click();
  await expect(page.locator('[data-testid="stage-tile"][data-stage="Planner"]')).toHaveAttribute('data-enabled', 'false');

  // A chained command is refused inline, naming the pattern.
  await page.getByRole('button', { name: 'Edit stage Implement' }).click();
  const editor = page.getByTestId('stage-editor');
  const commands = editor.getByLabel('Validation commands');
  await commands.fill('npm run lint\nnpm test && rm -rf /');
  await expect(editor.getByTestId('validation-command-errors')).toHaveText(
    'Line 2: Validation command "npm test && rm -rf /" contains "&&"; list commands one per line instead (they run without a shell).',
  );
  await page.getByRole('button', { name: 'Save pipeline' }).click();
  await expect(page.getByTestId('pipeline-error')).toHaveText('Fix the problem marked in the stages before saving.');
  await commands.fill('npm run lint\nnpm test');
  await expect(editor.getByTestId('validation-command-errors')).toBeEmpty();
  await editor.getByLabel('Max retries').fill('4');
  await page.getByRole('button', { name: 'Save pipeline' }).click();
  await expect(page.getByTestId('pipeline-save-bar')).toContainText('The pipeline is saved.');

  // Stored by the server, and shown again after a reload.
  const stored = await storedPipeline('Pipeline Crew');
  expect(stored.map((step) => step.map((s) => s.name))).toEqual([['Review'], ['Planner'], ['Implement']]);
  expect(stored[1][0].enabled).toBe(false);
  expect(stored[2][0]).toMatchObject({ validationCommands: ['npm run lint', 'npm test'], maxRetries: 4 });
  await page.reload();
  await expect.poll(() => pipelineSteps(page)).toEqual([['Review'], ['Planner'], ['Implement']]);
  await expect(page.locator('[data-testid="stage-tile"][data-stage="Planner"]')).toHaveAttribute('data-enabled', 'false');

  // The keyboard moves steps too: Space picks the step up, arrows move it, Space drops it.
  const handle = page.getByRole('button', { name: 'Reorder step 1' });
  await handle.focus();
  await page.keyboard.press('Space');
  await expect(handle).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByText('step 1 (Review) is over step 2 (Planner).')).toBeAttached();
  await page.keyboard.press('Space');
  await expect.poll(() => pipelineSteps(page)).toEqual([['Planner'], ['Review'], ['Implement']]);
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect.poll(() => pipelineSteps(page)).toEqual([['Review'], ['Planner'], ['Implement']]);

  // Add a parallel stage, then reset everything to the preset.
  await page.getByTestId('pipeline-step').nth(2).getByRole('button', { name: 'Parallel stage' }).click();
  await expect.poll(() => pipelineSteps(page)).toEqual([['Review'], ['Planner'], ['Implement', 'New stage']]);
  await page.getByRole('button', { name: 'Reset to preset' }).click();
  await page.getByRole('button', { name: 'Reset pipeline' }).click();
  await expect.poll(() => pipelineSteps(page)).toEqual([['Planner'], ['Implement'], ['Review']]);
  await expect(page.locator('[data-testid="stage-tile"][data-stage="Planner"]')).toHaveAttribute('data-enabled', 'true');
  expect((await storedPipeline('Pipeline Crew')).map((step) => step.map((s) => s.name))).toEqual([['Planner'], ['Implement'], ['Review']]);
});

test('attaches a skill and an MCP server to a stage', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Sam Skill');

  await page.getByRole('complementary').getByRole('link', { name: 'Skills' }).click();
  await page.getByRole('button', { name: 'New skill' }).first().click();
  const skillForm = page.getByTestId('skill-form');
  await skillForm.getByLabel('Name').fill('Code Review');
  await expect(skillForm.getByRole('alert')).toContainText('Skill names are lowercase words joined by "-"');
  await skillForm.getByLabel('Name').fill('code-review');
  await skillForm.getByLabel('Description').fill('Use when reviewing a change before it is merged.');
  await skillForm.getByLabel('Instructions (Markdown)').fill('# Review checklist\n\n- Tests cover the change');
  await skillForm.getByRole('tab', { name: 'Preview' }).click();
  await expect(skillForm.getByTestId('skill-preview').getByRole('heading', { name: 'Review checklist' })).toBeVisible();
  await skillForm.getByRole('button', { name: 'Create skill' }).click();
  await expect(page.locator('[data-testid="skill-row"][data-skill="code-review"]')).toContainText('Organization');

  const token = 'sntrys_e2e-secret-value-7f3a';
  await page.getByRole('complementary').getByRole('link', { name: 'MCP Servers' }).click();
  await page.getByRole('button', { name: 'Add MCP server' }).first().click();
  const mcpForm = page.getByTestId('mcp-server-form');
  await mcpForm.getByLabel('Name').fill('sentry');
  await mcpForm.getByRole('textbox', { name: 'Command' }).fill('npx');
  await mcpForm.getByLabel('Arguments (one per line)').fill('-y\n@sentry/mcp-server');
  await mcpForm.getByRole('button', { name: 'Add environment variable' }).click();
  await mcpForm.getByLabel('Name of environment variable 1').fill('SENTRY_TOKEN');
  await mcpForm.getByLabel('Value of environment variable 1').fill(token);
  await mcpForm.getByRole('button', { name: 'Add MCP server' }).click();
  const row = page.locator('[data-testid="mcp-server-row"][data-server="sentry"]');
  await expect(row.getByTestId('mcp-credential-preview')).toHaveText('SENTRY_TOKEN sntrys_••••7f3a');
  await expect(page.locator('body')).not.toContainText(token);
  // Editing shows the preview, never the value.
  await row.getByRole('button', { name: 'Edit sentry' }).click();
  await expect(page.getByTestId('mcp-server-form').getByTestId('credential-preview')).toHaveText('SENTRY_TOKEN sntrys_••••7f3a');
  await page.keyboard.press('Escape');

  await createTeamInBrowser(page, 'code_runner', 'Tooled Team');
  await page.getByRole('button', { name: 'Edit stage Implement' }).click();
  const editor = page.getByTestId('stage-editor');
  await editor.getByTestId('stage-skills').getByLabel('code-review').check();
  await editor.getByTestId('stage-mcp-servers').getByLabel('sentry').check();
  await expect(editor.getByTestId('mcp-tools').getByLabel('mcp__sentry__*')).toBeChecked();
  await page.getByRole('button', { name: 'Save pipeline' }).click();
  await expect(page.getByTestId('pipeline-save-bar')).toContainText('The pipeline is saved.');

  const [skill] = await sql<{ id: string }>(testStack().databaseUrl, "SELECT id FROM skill WHERE slug = 'code-review' ORDER BY updated_at DESC LIMIT 1");
  const [server] = await sql<{ id: string }>(testStack().databaseUrl, "SELECT id FROM mcp_server WHERE name = 'sentry' ORDER BY updated_at DESC LIMIT 1");
  const implement = (await storedPipeline('Tooled Team'))[1][0];
  expect(implement).toMatchObject({ skillIds: [skill.id], mcpServerIds: [server.id] });
  expect(implement.allowedTools).toContain('mcp__sentry__*');

  await page.reload();
  await page.getByRole('button', { name: 'Edit stage Implement' }).click();
  await expect(page.getByTestId('stage-skills').getByLabel('code-review')).toBeChecked();
  await expect(page.getByTestId('stage-mcp-servers').getByLabel('sentry')).toBeChecked();

  // Deleting the server detaches it (and its tools) from the stage.
  await page.getByRole('complementary').getByRole('link', { name: 'MCP Servers' }).click();
  await page.getByRole('button', { name: 'Delete sentry' }).click();
  await page.getByRole('button', { name: 'Delete MCP server' }).click();
  await expect(page.getByTestId('mcp-servers-empty')).toBeVisible();
  await expect.poll(async () => (await storedPipeline('Tooled Team'))[1][0].mcpServerIds).toEqual([]);
  expect((await storedPipeline('Tooled Team'))[1][0].allowedTools).not.toContain('mcp__sentry__*');
});

test('allows hosts for a team’s containers: the npm registry in one click, a typed host:port, and the stage editor’s note', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Nia Network');
  await createTeamInBrowser(page, 'code_runner', 'Networked');
  const storedHosts = async () =>
    (await sql<{ allowed_hosts: string[] }>(testStack().databaseUrl, "SELECT allowed_hosts FROM runner_team WHERE name = 'Networked' ORDER BY created_at DESC LIMIT 1"))[0]
      ?.allowed_hosts;

  await page.getByRole('tab', { name: 'Team settings' }).click();
  const section = page.getByTestId('allowed-hosts');
  await expect(section).toContainText('No hosts allowed');
  expect(await storedHosts()).toEqual([]);
  await section.getByRole('button', { name: 'Allow the npm registry' }).click();
  await expect(section.getByRole('list', { name: 'Allowed hosts' })).toHaveText('registry.npmjs.org:443');
  await expect(section.getByRole('button', { name: 'Allow the npm registry' })).toHaveCount(0);

  await section.getByLabel('Host and port').fill('api.example.com');
  await section.getByRole('button', { name: 'Allow host' }).click();
  await expect(section.getByRole('alert')).toHaveText('"api.example.com" is not a host:port such as registry.npmjs.org:443');
  await section.getByLabel('Host and port').fill('API.Example.com:8443');
  await section.getByRole('button', { name: 'Allow host' }).click();
  await expect(section.getByRole('listitem')).toHaveText(['registry.npmjs.org:443', 'api.example.com:8443']);
  await expect.poll(storedHosts).toEqual(['registry.npmjs.org:443', 'api.example.com:8443']);
  await section.getByRole('button', { name: 'Remove registry.npmjs.org:443' }).click();
  await expect.poll(storedHosts).toEqual(['api.example.com:8443']);

  await page.getByRole('tab', { name: 'Pipeline' }).click();
  await page.getByRole('button', { name: 'Edit stage Implement' }).click();
  const editor = page.getByTestId('stage-editor');
  await expect(editor.getByTestId('network-note')).toHaveCount(0);
  await editor.getByTestId('allowed-tools').getByLabel('WebFetch').check();
  await expect(editor.getByTestId('network-note')).toContainText("WebFetch reaches only the team's allowed hosts (api.example.com:8443)");
});
