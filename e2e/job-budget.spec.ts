import { expect, test } from '@playwright/test';
import { nanoid } from 'nanoid';
import { db, orgIdOf } from './support/database';
import { signUpInBrowser } from './support/people';
import { createTeamInBrowser } from './support/teams';

const reason = 'Budget reached: $4.02 of $4.00';

/** A job of the team as a runner leaves it at its cost cap: Waiting for Input with the reason, and the budget event with the figures. */
async function jobAtCap(orgId: string, teamId: string): Promise<string> {
  const id = nanoid();
  const now = Date.now();
  const stage = { id: 'code', type: 'coding', name: 'Code', systemPrompt: '', allowedTools: ['Read'], model: 'claude-sonnet-4-6', role: 'executor', requireApproval: false, validationCommands: [], maxRetries: 0, skills: [], mcpServers: [] };
  const snapshot = {
    trigger: { kind: 'manual' },
    ticket: null,
    team: null,
    pipeline: { steps: [{ stages: [stage] }] },
    budget: { maxCostUsd: 4, maxTurns: 200, warningThresholdPercent: 80, maxInputTokens: null, maxOutputTokens: null, stageTimeLimitSeconds: 1800, jobTimeLimitSeconds: 7200, idleLimitSeconds: 600 },
    repositories: [],
    instructions: '',
    allowedHosts: [],
  };
  await db(
    `INSERT INTO job (id, organization_id, team_id, root_job_id, type, title, status, status_reason, required_capabilities, required_labels, last_event_seq, created_at, updated_at)
     VALUES ($1, $2, $3, $1, 'batch', 'Spend carefully', 'waiting_for_input', $4, '[]', '[]', 1, $5, $5)`,
    [id, orgId, teamId, reason, now],
  );
  await db('INSERT INTO secure.job_snapshot (job_id, snapshot) VALUES ($1, $2)', [id, JSON.stringify(snapshot)]);
  const payload = {
    state: 'reached',
    message: `${reason}. Raise the budget and continue, or end the job.`,
    figure: 'costUsd',
    usage: { costUsd: 4.02, inputTokens: 12_400, outputTokens: 268_000, turns: 3 },
    limits: { maxCostUsd: 4, maxInputTokens: null, maxOutputTokens: null, maxTurns: 200 },
  };
  await db("INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at) VALUES ($1, 1, $2, 'budget', $3, $4)", [id, orgId, JSON.stringify(payload), now]);
  return id;
}

test('a job paused at its budget: the figures, a raise bounded by the team’s ceiling that continues it, and End the job', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Budget Raiser');
  const orgSlug = new URL(page.url()).pathname.split('/')[1];
  await createTeamInBrowser(page, 'code_runner', 'Careful Coders', 'careful-coders');
  // Settings → Teams: the administrator sets the team's cost ceiling.
  await page.getByLabel('Max cost (USD)').fill('4');
  await page.getByLabel('Cost ceiling (USD)').fill('8');
  await page.getByRole('button', { name: 'Save team settings' }).click();
  const orgId = await orgIdOf(orgSlug);
  await expect.poll(async () => (await db<{ ceiling: number }>("SELECT (budget->>'maxCostCeilingUsd')::float8 AS ceiling FROM runner_team WHERE organization_id = $1", [orgId]))[0]?.ceiling).toBe(8);
  const [team] = await db<{ id: string }>('SELECT id FROM runner_team WHERE organization_id = $1', [orgId]);

  const raised = await jobAtCap(orgId, team!.id);
  await page.goto(`/${orgSlug}/jobs/${raised}`);
  const panel = page.getByTestId('job-budget');
  await expect(panel.getByRole('heading')).toHaveText(reason);
  await expect(panel.getByTestId('job-budget-figures')).toContainText('$4.02 of $4.00');
  await expect(panel.getByTestId('job-budget-figures')).toContainText('3 of 200');
  const limit = panel.getByLabel('New cost limit (USD)');
  await expect(limit).toHaveValue('6');
  await expect(panel).toContainText('The team’s ceiling is $8.00.');

  // Keyboard only: past the ceiling, then not above what was used, then a raise that goes.
  await limit.fill('9');
  await limit.press('Enter');
  await expect(panel.getByRole('alert')).toHaveText("$9.00 is above the team's cost ceiling of $8.00; ask an administrator to raise the ceiling.");
  await limit.fill('4');
  await limit.press('Enter');
  await expect(panel.getByRole('alert')).toHaveText('Raise it above what the job used: $4.02.');
  await limit.fill('7.50');
  await limit.press('Enter');
  await expect(page.getByTestId('job-status').first()).toHaveAttribute('data-status', 'ready');
  const [stored] = await db<{ max: number }>("SELECT (snapshot->'budget'->>'maxCostUsd')::float8 AS max FROM secure.job_snapshot WHERE job_id = $1", [raised]);
  expect(stored!.max).toBe(7.5);

  const ended = await jobAtCap(orgId, team!.id);
  await page.goto(`/${orgSlug}/jobs/${ended}`);
  await page.getByTestId('end-job-at-budget').click();
  const confirm = page.getByRole('dialog', { name: 'End this job?' });
  await expect(confirm).toContainText(reason);
  await confirm.getByRole('button', { name: 'End the job' }).click();
  await expect(page.getByTestId('job-status').first()).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('job-reason')).toHaveText(reason);
});
