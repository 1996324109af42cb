import { expect, test } from '@playwright/test';
import { db, orgIdOf } from './support/database';
import { createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';
import { createTeamInBrowser } from './support/teams';

test('a job no runner claimed: Stop, Continue back to Ready, then Cancel after a confirmation fails it in the person’s name', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Cancel Clicker');
  const orgSlug = new URL(page.url()).pathname.split('/')[1];
  await createProjectInBrowser(page, 'Cancels', 'CAN');
  await createTeamInBrowser(page, 'code_runner', 'Idle Coders', 'idle-coders');
  const orgId = await orgIdOf(orgSlug);
  const [project] = await db<{ id: string }>("SELECT id FROM project WHERE organization_id = $1 AND key = 'CAN'", [orgId]);
  const [team] = await db<{ id: string }>("SELECT id FROM runner_team WHERE organization_id = $1 AND handle = 'idle-coders'", [orgId]);
  await db("INSERT INTO project_runner_config (project_id, organization_id, team_id, trigger_on_status) VALUES ($1, $2, $3, 'auto')", [project.id, orgId, team.id]);

  await page.goto(`/${orgSlug}/projects/CAN/board`);
  await createTicketInBrowser(page, 'Never mind');
  await dragCard(page, 'Never mind', 'AI Processing');
  let jobId = '';
  await expect.poll(async () => (jobId = (await db<{ id: string }>('SELECT id FROM job WHERE organization_id = $1', [orgId]))[0]?.id ?? '')).not.toBe('');
  await page.goto(`/${orgSlug}/jobs/${jobId}`);
  const status = page.getByTestId('job-status').first();
  await expect(status).toHaveAttribute('data-status', 'ready');

  // Before a runner takes it, an administrator gives the job its own cost limit (the team's is $10).
  await page.getByTestId('job-budget-button').click();
  const budget = page.getByTestId('job-budget-form');
  await expect(budget.getByTestId('job-budget-cost')).toHaveValue('10');
  await budget.getByTestId('job-budget-cost').fill('0');
  await budget.getByRole('button', { name: 'Save budget' }).click();
  await expect(budget).toContainText('The cost limit must be above $0.');
  await budget.getByTestId('job-budget-cost').fill('2.5');
  await budget.getByRole('button', { name: 'Save budget' }).click();
  await expect(budget).toHaveCount(0);
  const costLimit = async () => (await db<{ cost: number }>("SELECT (snapshot->'budget'->>'maxCostUsd')::float AS cost FROM secure.job_snapshot WHERE job_id = $1", [jobId]))[0]?.cost;
  await expect.poll(costLimit).toBe(2.5);
  // The header's budget bar reads the job's new limit without a reload.
  await expect(page.getByTestId('job-budget-bar')).toHaveAttribute('data-state', 'within');
  await expect(page.getByTestId('job-budget-text')).toHaveText('$0.00 of $2.50 (0%)');
  await page.getByTestId('job-budget-button').click();
  await expect(budget.getByTestId('job-budget-cost')).toHaveValue('2.5');
  await page.keyboard.press('Escape');

  await page.getByTestId('stop-job').click();
  await page.getByRole('dialog', { name: 'Stop this job?' }).getByRole('button', { name: 'Stop job' }).click();
  await expect(status).toHaveAttribute('data-status', 'stopped');
  // Waiting for a person: the button says so.
  await expect(page.getByTestId('cancel-job')).toHaveText('End the job');
  await page.getByTestId('continue-job').click();
  await expect(status).toHaveAttribute('data-status', 'ready');

  await page.getByTestId('cancel-job').click();
  const confirm = page.getByRole('dialog', { name: 'Cancel this job?' });
  await expect(confirm).toContainText('never offered to a runner');
  await confirm.getByRole('button', { name: 'Cancel job' }).click();
  await expect(status).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('job-reason')).toHaveText('Cancelled by Cancel Clicker.');
  await expect(page.getByTestId('cancel-job')).toHaveCount(0);
  const [ticket] = await db<{ ai_failed: boolean }>('SELECT ai_failed FROM ticket WHERE project_id = $1', [project.id]);
  expect(ticket!.ai_failed).toBe(true);
});
