
import { expect, test, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import type { DemoRunner } from '../stack/demo-runner';
import type { PipelineConfig, } from '../lib/teams/pipeline';
import { askUserQuestion } from '../test-kit/model-server/scenarios';
import type { NodeZero } from '../test/support/zero-client';
import { db, orgIdOf } from './support/database';
import { codingStage, ownerZero, startScriptedRunner, useScriptedTeam } from './support/scripted-runner';
import { column, compileRoutes, createProjectInBrowser, createTicketInBrowser, dragCard, inviteMemberInBrowser, signUpInBrowser, type Person } from './support/people';

test.describe.configure({ mode: 'serial' });

const key = 'STEER';
let admin: Person;
let member: Person;
let orgSlug: string;
let orgID: string;
let runner: DemoRunner | null = null;
/** The administrator's Zero client on the spec's Node side: it gives the project teams of the shape a test needs. */
let zero: NodeZero | null = null;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/projects/NONE/board', '/{org}/tickets/NONE-1', '/{org}/jobs/none', '/{org}/settings/members']);
  admin = await signUpInBrowser(browser, 'Olga Admin');
  orgSlug = new URL(admin.page.url()).pathname.split('/')[1]!;
  orgID = await orgIdOf(orgSlug);
  await createProjectInBrowser(admin.page, 'Steering', key);
  member = await inviteMemberInBrowser(browser, admin.page, orgSlug, 'Dana Member');
  const [role] = await db<{ role: string }>('SELECT m.role FROM member m JOIN "user" u ON u.id = m.user_id WHERE m.organization_id = $1 AND u.email = $2', [orgID, member.email]);
  expect(role!.role).toBe('member');

  runner = await startScriptedRunner({ orgSlug, projectKey: key });
  ({ zero, orgID } = await ownerZero(admin, orgSlug, key));
});

test.afterAll(async () => {
  await zero?.close();
  await runner?.stop();
  await admin?.page.context().close();
  await member?.page.context().close();
});


/** Has the project's tickets worked by a new team of the demo runner's kind with pipeline `steps`; `[scenario:…]` in a stage's name scripts it. */
async function useTeam(name: string, steps: PipelineConfig['steps']) {
  await useScriptedTeam({ zero: zero!, orgID, projectKey: key }, name, { description: 'Steering tests', steps });
}

const stage = codingStage;

/** The administrator moves a new ticket into AI Processing; both people open its job's page. */
async function startJobAndOpenIt(title: string): Promise<string> {
  const page = admin.page;
  await page.goto(`/${orgSlug}/projects/${key}/board`);
  await createTicketInBrowser(page, title);
  await dragCard(page, title, 'AI Processing');
  await expect(column(page, 'AI Processing').getByTestId('ticket-card').filter({ hasText: title })).toBeVisible();
  let jobId = '';
  await expect
    .poll(async () => (jobId = (await db<{ id: string }>('SELECT j.id FROM job j JOIN ticket t ON t.id = j.ticket_id WHERE j.organization_id = $1 AND t.title = $2', [orgID, title]))[0]?.id ?? ''), {
      timeout: 60_000,
    })
    .not.toBe('');
  for (const person of [admin, member]) {
    await person.page.goto(`/${orgSlug}/jobs/${jobId}`);
    await expect(person.page.getByTestId('job-view')).toBeVisible({ timeout: 60_000 });
  }
  return jobId;
}

const view = (page: Page) => page.getByTestId('job-view');
const action = (page: Page, kind: string) => page.locator(`[data-testid="feed-action"][data-action="${kind}"]`);

test('a Member answers and stops a job while the administrator sees who did it, live; withdrawn, the Member’s controls go; each sees the other watching', async ({ browser }) => {
  test.setTimeout(540_000);
  await useTeam('Steered Writers', [
    { id: 'step-ask', stages: [stage('ask', { name: 'Ask [scenario:ask-question]' })] },
    { id: 'step-write', stages: [stage('write', { name: 'Write [scenario:write-then-wait]' })] },
  ]);
  await startJobAndOpenIt('Greet the team');
  const answer = `Welcome ${nanoid(6)}`;

  // Presence: each sees the other's avatar on the page.
  await expect(admin.page.getByTestId('job-watchers').getByRole('img', { name: 'Dana Member' })).toBeVisible({ timeout: 60_000 });
  await expect(member.page.getByTestId('job-watchers').getByRole('img', { name: 'Olga Admin' })).toBeVisible({ timeout: 60_000 });

  // The Member answers the agent's question; the administrator's page says so with her name.
  await expect(view(member.page)).toHaveAttribute('data-status', 'waiting_for_input', { timeout: 240_000 });
  const panel = member.page.getByTestId('job-response');
  await expect(panel.getByTestId('job-question')).toHaveText(askUserQuestion);
  await panel.getByLabel('Your answer').fill(answer);
  await panel.getByLabel('Your answer').press('Enter');
  await expect(action(admin.page, 'answered')).toHaveText(`Dana Member answered: “${answer}”`, { timeout: 60_000 });

  // The second stage writes and then sleeps: the Member stops it; the administrator sees it live.
  const write = member.page.locator('[data-testid="feed-item"][data-stage="write"]');
  await expect(write.getByTestId('feed-tool-call').filter({ hasText: 'Bash' })).toContainText('sleep 600', { timeout: 240_000 });
  await member.page.getByTestId('stop-job').click();
  await member.page.getByRole('dialog', { name: 'Stop this job?' }).getByRole('button', { name: 'Stop job' }).click();
  await expect(action(admin.page, 'stopped')).toHaveText('Dana Member stopped the job', { timeout: 60_000 });
  await expect(view(admin.page)).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  // In time order: the answer before the stop, among the runner's events.
  const kinds = await admin.page.getByTestId('feed-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
  expect(kinds.indexOf('action')).toBeGreaterThan(0);
  const actions = await admin.page.getByTestId('feed-action').evaluateAll((items) => items.map((item) => item.getAttribute('data-action')));
  expect(actions).toEqual(['answered', 'stopped']);
  await expect(member.page.getByTestId('continue-job')).toBeVisible();
  await expect(member.page.getByTestId('cancel-job')).toBeVisible();

  // The administrator takes steering from Members: the Member's controls go, live (the server refusal is job-steering.pg.test.ts's).
  const settings = await (await browser.newContext({ storageState: await admin.page.context().storageState() })).newPage();
  await settings.goto(`/${orgSlug}/settings/members`);
  const steer = settings.getByTestId('members-steer-jobs');
  await expect(steer).toHaveAttribute('aria-checked', 'true');
  await steer.click();
  await expect(steer).toHaveAttribute('aria-checked', 'false');
  await expect(member.page.getByTestId('continue-job')).toHaveCount(0);
  await expect(member.page.getByTestId('cancel-job')).toHaveCount(0);
  await expect(admin.page.getByTestId('continue-job')).toBeVisible();
  const [row] = await db<{ withdrawn_member_permissions: string[] }>('SELECT withdrawn_member_permissions FROM organization_settings WHERE organization_id = $1', [orgID]);
  expect(row!.withdrawn_member_permissions).toEqual(['jobs:steer']);

  // The administrator ends the job; the Member sees who did.
  await admin.page.getByTestId('cancel-job').click();
  await admin.page.getByRole('dialog', { name: 'End this job?' }).getByRole('button', { name: 'End the job' }).click();
  await expect(action(member.page, 'cancelled')).toHaveText('Olga Admin ended the job', { timeout: 60_000 });
  await expect(view(member.page)).toHaveAttribute('data-status', 'failed', { timeout: 120_000 });

  // Steering back for Members; the Member closes the page and leaves the administrator's.
  await steer.click();
  await expect(steer).toHaveAttribute('aria-checked', 'true');
  await settings.context().close();
  await member.page.close();
  await expect(admin.page.getByTestId('job-watchers').getByRole('img', { name: 'Dana Member' })).toHaveCount(0, { timeout: 90_000 });
  member = { ...member, page: await member.page.context().newPage() };
});

test('Request changes: the planner gets the comment, the revised plan shows beside the first, and approving it finishes the job', async () => {
  test.setTimeout(540_000);
  await useTeam('Reviewed Builders', [
    { id: 'step-plan', stages: [stage('plan', { name: 'Plan [scenario:plan-revise-build]', type: 'planning', role: 'planner', allowedTools: ['Read', 'Grep', 'Glob'] })] },
    { id: 'step-build', stages: [stage('build', { name: 'Build', requireApproval: true })] },
  ]);
  const change = `Also print the date ${nanoid(6)}`;
  await startJobAndOpenIt('Greet with a reviewed plan');

  const page = member.page;
  await expect(view(page)).toHaveAttribute('data-status', 'waiting_for_input', { timeout: 240_000 });
  const approval = page.getByTestId('job-approval');
  await expect(approval.getByTestId('job-plan')).toContainText('1. Add hello.js printing a greeting.');
  await expect(approval.getByTestId('job-plan-previous')).toHaveCount(0);
  await expect(approval.getByTestId('request-changes')).toBeDisabled();
  await approval.getByLabel('A note for the agent (optional)').fill(change);
  await approval.getByTestId('request-changes').click();
  await expect(action(admin.page, 'requested_changes')).toHaveText(`Dana Member asked for changes to the plan: “${change}”`, { timeout: 60_000 });

  // The planner's session resumed with the comment and wrote the plan again: shown beside the first, diffed.
  await expect(approval.getByRole('heading', { name: 'The revised plan waits for your approval' })).toBeVisible({ timeout: 240_000 });
  await expect(approval.getByTestId('job-plan-previous')).toContainText('2. Run it.');
  // Screen readers hear which lines changed.
  await expect(approval.getByTestId('job-plan').locator('[data-change="added"]')).toHaveText(`Added: 3. ${change}`);
  await expect(approval.getByTestId('job-plan').locator('[data-change="same"]').filter({ hasText: '1. Add hello.js printing a greeting.' })).toHaveCount(1);
  await expect(page.getByTestId('feed-plan')).toHaveCount(2);
  const revision = runner!.model.requests().find((r) => r.scenario === 'plan-revise-build' && r.turn === 1);
  expect(JSON.stringify(revision?.messages ?? [])).toContain(change);
  await page.screenshot({ path: test.info().outputPath('revised-plan.png') });

  await approval.getByRole('button', { name: 'Approve plan' }).click();
  await expect(action(admin.page, 'approved')).toHaveText('Dana Member approved the plan', { timeout: 60_000 });
  await expect(view(page).getByTestId('job-status').first()).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(page.getByTestId('feed-text').filter({ hasText: 'Built the revised plan: Hello from Spedy' })).toBeVisible();
});
