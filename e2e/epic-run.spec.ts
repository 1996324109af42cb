// The Epic Run Panel, live through a run with failures, retries (in the panel and on a sub-run's
// job page) and completion: the runner's side is driven through the real runner API (as in
// lib/epics/epic-run.pg.test.ts); the person watches and steers in the browser.
import { expect, test, type Page } from '@playwright/test';
import { addBlock, addTicket, epicHarness, readyFor, runJob, type EpicHarness } from '../test/support/epics';
import { compileRoutes } from './support/people';

test.describe.configure({ mode: 'serial' });

let h: EpicHarness;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  await compileRoutes(browser, ['/{org}/tickets/NONE-1', '/{org}/jobs/none']);
  h = await epicHarness('Epic Watcher', 'EPW');
  page = await (await browser.newContext()).newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(h.owner.email);
  await page.getByLabel('Password').fill(h.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/sign-in/);
});

test.afterAll(async () => {
  await page?.context().close();
  await h?.close();
});

const node = (displayId: string) => page.getByTestId('epic-run-node').and(page.locator(`[data-ticket="${displayId}"]`));

test('the Epic Run Panel follows a run through a failure, a retry (in the panel and on the job page) and its completion', async () => {
  test.setTimeout(120_000);
  const epic = await addTicket(h, 'Live epic', 'epic', null);
  const a = await addTicket(h, 'A: first', 'task', epic);
  const b = await addTicket(h, 'B: second', 'task', epic);
  await addBlock(h, a, b);
  await page.goto(`/${h.owner.orgSlug}/tickets/EPW-1`);
  await expect(page.getByTestId('epic-run-panel')).toHaveAttribute('data-status', 'none');

  // Choosing the team starts the run.
  await page.getByTestId('epic-runner-team').click();
  await page.getByRole('option', { name: 'EPW team' }).click();
  await expect(page.getByTestId('epic-run-status')).toHaveText('Running');
  await expect(page.getByTestId('epic-runner-team')).toBeDisabled();
  await expect(page.getByTestId('epic-graph-node')).toHaveCount(2);
  await expect(page.getByTestId('epic-branch-link').or(page.getByText('epic/EPW-1'))).toBeVisible();

  const [reset] = await readyFor(epic, [null]);
  await runJob(h, reset.id, 'completed');
  let [job] = await readyFor(epic, [a]);
  await expect(node('EPW-2')).toHaveAttribute('data-status', 'running');
  await expect(node('EPW-3')).toHaveAttribute('data-status', 'pending');

  await runJob(h, job.id, 'failed', { reason: 'Tests failed.' });
  await expect(page.getByTestId('epic-run-status')).toHaveText('Paused');
  await expect(page.getByTestId('epic-run-reason')).toHaveText('EPW-2 failed: Tests failed. Retry it or skip it.');
  await expect(node('EPW-2')).toHaveAttribute('data-status', 'failed');

  await node('EPW-2').getByTestId('epic-node-retry').click();
  await expect(page.getByTestId('epic-run-status')).toHaveText('Running');
  [job] = await readyFor(epic, [a]);
  await expect(node('EPW-2')).toHaveAttribute('data-status', 'running');
  await runJob(h, job.id, 'completed');
  [job] = await readyFor(epic, [b]);
  await expect(node('EPW-2')).toHaveAttribute('data-status', 'completed');
  await expect(node('EPW-3')).toHaveAttribute('data-status', 'running');

  // Retry on the failed sub-run's own page goes through the run: it opens the Epic, running again.
  await runJob(h, job.id, 'failed', { reason: 'Lint failed.' });
  await expect(page.getByTestId('epic-run-status')).toHaveText('Paused');
  await page.goto(`/${h.owner.orgSlug}/jobs/${job.id}`);
  await page.getByTestId('retry-job').click();
  await expect(page).toHaveURL(new RegExp(`/${h.owner.orgSlug}/tickets/EPW-1$`));
  await expect(page.getByTestId('epic-run-status')).toHaveText('Running');
  const failedSubRun = job.id;
  [job] = await readyFor(epic, [b]);
  expect(job.id).not.toBe(failedSubRun);
  await expect(node('EPW-3')).toHaveAttribute('data-status', 'running');
  await runJob(h, job.id, 'completed');

  const [closing] = await readyFor(epic, [epic]);
  const pr = { repository: 'acme/live', url: 'https://github.com/acme/live/pull/3', number: 3, branch: 'epic/EPW-1' };
  await runJob(h, closing.id, 'completed', { result: { pullRequests: [pr] } });
  await expect(page.getByTestId('epic-run-status')).toHaveText('Completed');
  await expect(page.getByTestId('epic-pr-link')).toHaveAttribute('href', pr.url);
  await expect(page.getByTestId('epic-graph-node').and(page.locator('[data-status="completed"]'))).toHaveCount(2);
});
