// The Analytics tab with real parts: jobs reported through the runner API (as a supervisor
// reports them) land in the daily roll-ups, and the tab shows them through Zero — for 7 and
// 30 days, live when another job finishes, with the cost summary for administrators only.
// The job page shows the same cache saving per job and stage.
import { expect, test, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { dayOf } from '../lib/analytics/days';
import { registerRunner, runnerApi, type RunnerApi } from '../test/support/runners';
import { db, orgIdOf } from './support/database';
import { compileRoutes, signUpInBrowser, type Person } from './support/people';

test.describe.configure({ mode: 'serial' });

const day = 86_400_000;
let admin: Person;
let slug: string;
let orgId: string;
let api: RunnerApi;
let runnerId: string;
const jobIds: string[] = [];

const sonnet = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  stage: 'custom',
  model: 'claude-sonnet-4-6',
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

/** A manual job, claimed and reported by the runner: one usage at `usageAt`, then a final status. */
async function runJob(page: Page, title: string, usage: ReturnType<typeof sonnet>, usageAt: number, status: 'completed' | 'failed') {
  const created = await page.request.post(`/api/orgs/${orgId}/jobs`, {
    data: { title, instructions: 'Seed analytics.', type: 'batch', model: 'claude-sonnet-4-6' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(created.status()).toBe(200);
  const jobId = (await created.json()).job.id as string;
  jobIds.push(jobId);
  expect((await api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
  const events = [
    { seq: 1, type: 'stage', payload: { stage: 'custom', name: 'Custom', phase: 'started' }, at: usageAt },
    { seq: 2, type: 'usage', payload: usage, at: usageAt },
    { seq: 3, type: 'stage', payload: { stage: 'custom', name: 'Custom', phase: status === 'completed' ? 'completed' : 'failed' }, at: usageAt + 60_000 },
  ];
  expect((await api.post(`jobs/${jobId}/events`, { runnerId, events })).status).toBe(200);
  for (const next of ['preparing', 'executing', 'running', status]) expect((await api.post(`jobs/${jobId}/status`, { runnerId, status: next })).status).toBe(200);
  return jobId;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/settings/runners?tab=analytics', '/{org}/jobs/none']);
  admin = await signUpInBrowser(browser, 'Ana Lytics');
  slug = new URL(admin.page.url()).pathname.split('/')[1];
  orgId = await orgIdOf(slug);
  const issued = await admin.page.request.post(`/api/orgs/${orgId}/runner-tokens`, { data: { name: 'analytics' }, headers: { origin: new URL(admin.page.url()).origin } });
  expect(issued.status()).toBe(200);
  api = runnerApi(process.env.SPEDY_TEST_APP_URL!, (await issued.json()).token);
  runnerId = await registerRunner(api);
  // Ten days ago: inside 30 days, outside 7. 1,000,000 read and 200,000 written at Sonnet 4.6's prices.
  await runJob(admin.page, 'Old job', sonnet(1000, 500, 1_000_000, 200_000), Date.now() - 10 * day, 'completed');
  await runJob(admin.page, 'Today’s job', sonnet(2000, 1000), Date.now(), 'failed');
});

test('the charts show the seeded jobs for 7 and 30 days and update live when a job finishes', async () => {
  const { page } = admin;
  await page.goto(`/${slug}/settings/runners?tab=analytics`);
  await expect(page.getByTestId('analytics-jobs')).toHaveText('2', { timeout: 120_000 });
  // 7 days: today's usage only (2,000 in + 1,000 out = $0.021); both jobs finished today.
  await expect(page.getByTestId('analytics-tokens')).toHaveText('3,000');
  await expect(page.getByTestId('analytics-cost')).toHaveText('$0.0210');
  await expect(page.getByTestId('analytics-success-rate')).toHaveText('50%');
  const jobsChart = page.getByTestId('trend-jobs');
  await expect(jobsChart.getByTestId('trend-day')).toHaveCount(7);
  const today = dayOf(Date.now(), 'UTC');
  await expect(jobsChart.locator(`[data-day="${today}"]`)).toContainText('1 completed, 1 failed');
  await expect(jobsChart.locator('.recharts-bar-rectangle').first()).toBeVisible();

  await page.getByRole('tab', { name: '30 days' }).click();
  await expect(page.getByTestId('trend-tokens').getByTestId('trend-day')).toHaveCount(30);
  // The old job's tokens: 1,000 + 500 + 1,000,000 + 200,000, on its own day.
  await expect(page.getByTestId('trend-tokens').locator(`[data-day="${dayOf(Date.now() - 10 * day, 'UTC')}"]`)).toContainText('1,201,500');
  await expect(page.getByTestId('analytics-tokens')).toHaveText('1,204,500');
  // $1.0605 + $0.021; the cache saved $2.70 − $0.15.
  await expect(page.getByTestId('analytics-cost')).toHaveText('$1.08');
  await expect(page.getByTestId('analytics-saving')).toHaveText('$2.55');
  await expect(page.getByTestId('analytics-stage').filter({ hasText: 'Custom' })).toContainText('2');

  // Another job finishes while the page is open: no reload.
  await runJob(page, 'Live job', sonnet(100, 100), Date.now(), 'completed');
  await expect(page.getByTestId('analytics-jobs')).toHaveText('3');
  await expect(page.getByTestId('analytics-success-rate')).toHaveText('66.7%');
  await expect(jobsChart.locator(`[data-day="${today}"]`)).toContainText('2 completed, 1 failed');

  await expect(page.getByTestId('cost-summary').getByTestId('cost-line').filter({ hasText: 'No team' })).toContainText('$1.08');
});

test('the job page shows what the cache saved, with the gross figures in its tooltip', async () => {
  const { page } = admin;
  await page.goto(`/${slug}/jobs/${jobIds[0]}`);
  const saving = page.getByTestId('job-usage').getByTestId('usage-cache-saving');
  await expect(saving).toHaveText('$2.55', { timeout: 120_000 });
  await expect(saving.locator('..')).toHaveAttribute('title', /Cache reads saved \$2\.70 over plain input\nCache writes cost \$0\.1500 more than plain input/);
  await expect(page.getByTestId('stage-usage').getByTestId('usage-cache-saving')).toHaveText('$2.55');
});

test('a member sees the analytics but not the organization cost summary', async ({ browser }) => {
  const member = await signUpInBrowser(browser, 'Mia Member');
  const [user] = await db<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [member.email]);
  await db(`INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, 'member')`, [nanoid(), orgId, user.id]);
  await member.page.goto(`/${slug}/settings/runners?tab=analytics`);
  await expect(member.page.getByTestId('analytics-jobs')).toHaveText('3', { timeout: 120_000 });
  await expect(member.page.getByTestId('analytics-time-zone')).toHaveText('Days in UTC');
  await expect(member.page.getByTestId('cost-summary')).toHaveCount(0);
  await expect(member.page.getByText('Organization cost summary')).toHaveCount(0);
  // The administrator still sees it, on the same data.
  await admin.page.goto(`/${slug}/settings/runners?tab=analytics`);
  await expect(admin.page.getByTestId('cost-summary')).toBeVisible({ timeout: 60_000 });
});

test('an administrator sets how long finished jobs keep their detail: bad input is refused with its reason, a saved value shows live to a member', async ({ browser }) => {
  const reader = await signUpInBrowser(browser, 'Rita Reader');
  const [user] = await db<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [reader.email]);
  await db(`INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, 'member')`, [nanoid(), orgId, user.id]);
  await reader.page.goto(`/${slug}/settings/runners?tab=analytics`);
  // A member reads the setting; only an administrator has the field.
  const readOnly = reader.page.getByTestId('event-retention');
  await expect(readOnly).toHaveText('Job detail kept 30 days', { timeout: 120_000 });
  await expect(reader.page.getByLabel('Keep job detail (days)')).toHaveCount(0);

  const { page } = admin;
  await page.goto(`/${slug}/settings/runners?tab=analytics`);
  const field = page.getByLabel('Keep job detail (days)');
  await expect(field).toHaveValue('30', { timeout: 120_000 });
  const stored = async () => (await db<{ days: number }>('SELECT event_retention_days AS days FROM organization_settings WHERE organization_id = $1', [orgId]))[0]?.days ?? null;
  const before = await stored();
  expect([null, 30]).toContain(before);

  for (const [typed, reason] of [
    ['0', 'Keep events at least 1 day.'],
    ['2.5', 'Give the number of days as a whole number, such as 30.'],
    ['4000', 'Keep events at most 3650 days (about ten years).'],
  ] as const) {
    await field.fill(typed);
    await field.press('Enter');
    // Exact: a development server's error overlay repeats the message inside a longer text.
    await expect(page.getByText(reason, { exact: true })).toBeVisible();
    // Refused: the field shows the organization's setting again, and nothing was written.
    await expect(field).toHaveValue('30');
    expect(await stored()).toBe(before);
  }
  await expect(readOnly).toHaveText('Job detail kept 30 days');

  await field.fill('45');
  await field.press('Enter');
  await expect(page.getByText('Finished jobs keep their full detail for 45 days from now on.')).toBeVisible();
  await expect(field).toHaveValue('45');
  await expect.poll(stored).toBe(45);
  // The member's open page follows without a reload.
  await expect(readOnly).toHaveText('Job detail kept 45 days');
  await reader.page.context().close();
});
