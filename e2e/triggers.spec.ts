import { expect, test } from '@playwright/test';
import { db, orgIdOf } from './support/database';
import { createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';
import { createTeamInBrowser } from './support/teams';

test('moving a ticket into the working status creates a job that appears live in the Jobs tab and on the ticket', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Trigger Admin');
  const orgSlug = new URL(page.url()).pathname.split('/')[1];
  await createProjectInBrowser(page, 'Triggers', 'TRIG');
  await createTeamInBrowser(page, 'code_runner', 'Coders', 'coders');
  const orgId = await orgIdOf(orgSlug);
  const [project] = await db<{ id: string }>("SELECT id FROM project WHERE organization_id = $1 AND key = 'TRIG'", [orgId]);
  const [team] = await db<{ id: string }>("SELECT id FROM runner_team WHERE organization_id = $1 AND handle = 'coders'", [orgId]);
  await db("INSERT INTO project_runner_config (project_id, organization_id, team_id, trigger_on_status) VALUES ($1, $2, $3, 'auto')", [project.id, orgId, team.id]);

  // The Jobs tab stays open in a second tab while the board is used in the first.
  const jobsTab = await page.context().newPage();
  await jobsTab.goto(`/${orgSlug}/settings/runners?tab=jobs`);
  await expect(jobsTab.getByText('Jobs appear when')).toBeVisible();

  await page.goto(`/${orgSlug}/projects/TRIG/board`);
  await createTicketInBrowser(page, 'Make it so');
  await dragCard(page, 'Make it so', 'AI Processing');
  await expect(jobsTab.getByTestId('job-row').filter({ hasText: 'TRIG-1 Make it so' })).toBeVisible();

  await page.getByTestId('ticket-card').filter({ hasText: 'Make it so' }).click();
  await expect(page.getByTestId('ticket-run')).toHaveCount(1);
  await expect(page.getByTestId('ticket-run').getByTestId('job-status')).toHaveAttribute('data-status', 'ready');
});
