// The streaming job view with real parts: the real supervisor (startDemoRunner: Docker,
// Claude Code CLI against the scripted model, git remote, provider API) works a ticket
// the person moved on the board, and the job page shows it live through Zero.
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { startDemoRunner, type DemoRunner } from '../lib/stack/demo-runner';
import { cacheHitRate, usageTotals } from '../lib/jobs/event-feed';
import { askUserQuestion, editAndTestUsage } from '../test-kit/model-server/scenarios';
import { db } from './support/database';
import { column, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';

test.describe.configure({ mode: 'serial' });

let page: Page;
let orgSlug: string;
let runner: DemoRunner | null = null;
const key = 'LIVE';

/**
 * A dev server compiles each route on its first request, which on a loaded machine can take
 * longer than an expectation waits: visit every route this spec uses once, as a throwaway member.
 */
async function compileRoutes(browser: Browser) {
  const context = await browser.newContext();
  const warm = await context.newPage();
  const appUrl = process.env.SPEDY_TEST_APP_URL!;
  await warm.goto('/sign-up', { timeout: 180_000 });
  const email = `warm.up.${nanoid(6).toLowerCase()}@example.test`;
  const signUp = await warm.request.post('/api/auth/sign-up/email', { data: { name: 'Warm Up', email, password: `pw-${nanoid(10)}` }, headers: { origin: appUrl }, timeout: 180_000 });
  expect(signUp.ok()).toBe(true);
  await warm.goto('/', { timeout: 180_000 });
  const slug = new URL(warm.url()).pathname.split('/')[1];
  for (const route of [`/${slug}/projects/NONE/board`, `/${slug}/tickets/NONE-1`, `/${slug}/jobs/none`]) {
    await warm.goto(route, { timeout: 180_000 });
    await warm.waitForLoadState('networkidle', { timeout: 180_000 }).catch(() => {});
  }
  await context.close();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser);
  ({ page } = await signUpInBrowser(browser, 'Stream Watcher'));
  orgSlug = new URL(page.url()).pathname.split('/')[1];
  await createProjectInBrowser(page, 'Live', key);
  // A job id that does not exist (this also has the dev server compile the job page before the clock matters).
  await page.goto(`/${orgSlug}/jobs/no-such-job`);
  await expect(page.getByTestId('job-missing')).toContainText('This job no longer exists', { timeout: 120_000 });
  await page.goto(`/${orgSlug}/tickets/${key}-999`);
  await expect(page.getByText('Ticket not found')).toBeVisible({ timeout: 120_000 });
  const dataDir = process.env.SPEDY_TEST_DATA_DIR;
  const databaseUrl = process.env.SPEDY_TEST_DATABASE_URL;
  const appUrl = process.env.SPEDY_TEST_APP_URL;
  if (!dataDir || !databaseUrl || !appUrl) throw new Error('This spec runs under `npm test`, which starts the stack and sets SPEDY_TEST_*.');
  runner = await startDemoRunner({
    // The integration tests' runner folder: its Docker engine keeps the runner image.
    dataDir: path.join(dataDir, 'runner'),
    appUrl,
    databaseUrl,
    appEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    target: { orgSlug, projectKey: key },
    log: () => {},
  });
  expect(runner, 'the demo runner (Docker, test kit, supervisor) must start').not.toBeNull();
});

test.afterAll(async () => {
  await runner?.stop();
  await page?.context().close();
});

const tokens = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number | null) => (rate == null ? '—' : new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(rate));

/** Moves a new ticket into AI Processing on the board and opens its job from the ticket's runs panel. */
async function startJobAndOpenIt(title: string): Promise<string> {
  await page.goto(`/${orgSlug}/projects/${key}/board`);
  await createTicketInBrowser(page, title);
  await dragCard(page, title, 'AI Processing');
  const card = column(page, 'AI Processing').getByTestId('ticket-card').filter({ hasText: title });
  await expect(card).toBeVisible();
  // A click while the drop still settles on a loaded machine can go unseen: click again until the ticket opens.
  await expect(async () => {
    if (!/\/tickets\//.test(page.url())) await card.click({ timeout: 5_000 });
    await expect(page).toHaveURL(new RegExp(`/${orgSlug}/tickets/${key}-\\d+$`), { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  const run = page.getByTestId('ticket-run');
  await expect(run).toHaveCount(1, { timeout: 60_000 });
  await run.getByTestId('open-job').click();
  await expect(page).toHaveURL(new RegExp(`/${orgSlug}/jobs/[^/]+$`), { timeout: 60_000 });
  await expect(page.getByTestId('job-view')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('job-title')).toContainText(title);
  return new URL(page.url()).pathname.split('/').at(-1)!;
}

/** Remembers every status the open page shows, and marks the document so a reload would be noticed. */
async function watchStatuses() {
  await page.evaluate(() => {
    const view = document.querySelector('[data-testid="job-view"]')!;
    const seen = [view.getAttribute('data-status')];
    Object.assign(window, { __statusesSeen: seen });
    new MutationObserver(() => {
      const status = view.getAttribute('data-status');
      if (seen.at(-1) !== status) seen.push(status);
    }).observe(view, { attributes: true, attributeFilter: ['data-status'] });
  });
}
const statusesSeen = () => page.evaluate(() => (window as unknown as { __statusesSeen?: string[] }).__statusesSeen);

test('a person watches a real job stream live, with usage and cache figures, until its pull request', async () => {
  test.setTimeout(420_000);
  const title = 'Add a greeting script';
  const jobId = await startJobAndOpenIt(title);
  await watchStatuses();
  const first = (await statusesSeen())![0];
  expect(['completed', 'failed', 'error']).not.toContain(first);

  const view = page.getByTestId('job-view');
  await expect(view.getByTestId('job-ticket')).toHaveText(`${key}-1`);
  await expect(view.getByTestId('scripted-model-badge')).toBeVisible({ timeout: 120_000 });

  // The scripted model's edit-and-test scenario, as it happens, in the Implement stage.
  const implement = page.locator('[data-testid="feed-item"][data-stage="implement"]');
  await expect(implement.getByTestId('feed-text').filter({ hasText: "I'll add hello.js and run it." })).toBeVisible({ timeout: 240_000 });
  await expect(implement.getByTestId('feed-tool-call').filter({ hasText: 'Write' })).toContainText('hello.js');
  await expect(implement.getByTestId('feed-tool-call').filter({ hasText: 'Bash' })).toContainText('node hello.js');
  const results = implement.getByTestId('feed-tool-result');
  await expect(results.first()).not.toHaveAttribute('open');
  await expect(implement.getByTestId('feed-text').filter({ hasText: 'Added hello.js and ran it; it printed: Hello from Spedy' })).toBeVisible({ timeout: 120_000 });

  // Done: Completed, the pull request in the header and in the feed.
  await expect(view.getByTestId('job-status').first()).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(view.getByTestId('job-pull-request')).toContainText('demo/spedy-demo#');
  await expect(view.getByTestId('feed-pull-request')).toBeVisible();
  // The feed followed the newest events; scrolled up it stays put until "Jump to latest".
  const feed = page.getByTestId('job-feed');
  await expect(view.getByTestId('feed-pull-request')).toBeInViewport();
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0);
  await feed.evaluate((box) => box.scrollTo({ top: 0 }));
  await expect(page.getByTestId('jump-to-latest')).toBeVisible();
  await expect(view.getByTestId('feed-pull-request')).not.toBeInViewport();
  await page.getByTestId('jump-to-latest').click();
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0);
  await expect(view.getByTestId('feed-pull-request')).toBeInViewport();
  const seen = (await statusesSeen())!;
  expect(seen, 'the same page (no reload) saw the job move to Completed').toContain('completed');
  expect(seen.length).toBeGreaterThan(1);

  // The Implement stage used exactly the scripted turns; the job's totals are the stored usage events'.
  const sum = (k: 'input' | 'output' | 'cacheRead' | 'cacheWrite') => editAndTestUsage.reduce((n, u) => n + (u[k] ?? 0), 0);
  const implementStage = page.locator('[data-testid="job-stage"]').filter({ hasText: 'Implement' });
  await expect(implementStage).toHaveAttribute('data-state', 'completed');
  const stageUsage = implementStage.getByTestId('stage-usage');
  await expect(stageUsage.getByTestId('usage-input')).toHaveText(tokens(sum('input')));
  await expect(stageUsage.getByTestId('usage-output')).toHaveText(tokens(sum('output')));
  await expect(stageUsage.getByTestId('usage-cache-read')).toHaveText(tokens(sum('cacheRead')));
  await expect(stageUsage.getByTestId('usage-cache-write')).toHaveText(tokens(sum('cacheWrite')));
  await expect(stageUsage.getByTestId('usage-cache-hit-rate')).toHaveText(
    percent(sum('cacheRead') / (sum('input') + sum('cacheRead') + sum('cacheWrite'))),
  );

  const rows = await db<{ seq: number; type: string; payload: unknown }>("SELECT seq, type, payload FROM job_event WHERE job_id = $1 AND type = 'usage'", [jobId]);
  const { job } = usageTotals(rows);
  expect(job.cacheReadTokens).toBeGreaterThan(0);
  const usage = page.getByTestId('job-usage');
  await expect(usage.getByTestId('usage-input')).toHaveText(tokens(job.inputTokens));
  await expect(usage.getByTestId('usage-cache-read')).toHaveText(tokens(job.cacheReadTokens));
  await expect(usage.getByTestId('usage-cache-write')).toHaveText(tokens(job.cacheWriteTokens));
  await expect(usage.getByTestId('usage-cache-hit-rate')).toHaveText(percent(cacheHitRate(job)));
  await expect(usage.getByTestId('usage-cost')).toHaveText(/^\$\d+\.\d+$/);
  await page.screenshot({ path: test.info().outputPath('job-view.png') });
});

test('a job that asks a question shows "Answers required"; Enter sends the answer and the job completes', async () => {
  test.setTimeout(480_000);
  const answer = `Welcome ${nanoid(6)}`;
  await startJobAndOpenIt('Pick a greeting [scenario:ask-question]');
  await watchStatuses();
  const view = page.getByTestId('job-view');
  const panel = page.getByTestId('job-response');

  // Every stage of the pipeline runs the scenario in a session of its own, so each asks once.
  let answered = 0;
  for (;;) {
    await expect(view).toHaveAttribute('data-status', /^(waiting_for_input|completed|failed|error)$/, { timeout: 240_000 });
    if ((await view.getAttribute('data-status')) !== 'waiting_for_input') break;
    await expect(panel.getByRole('heading', { name: 'Answers required' })).toBeVisible();
    await expect(panel.getByTestId('job-question')).toHaveText(askUserQuestion);
    await expect(panel.getByRole('button', { name: /Approve/ })).toHaveCount(0);
    await expect(page.locator('[data-testid="job-stage"][data-state="awaiting_answer"]')).toHaveCount(1);
    if (answered === 0) await page.screenshot({ path: test.info().outputPath('answers-required.png') });
    await panel.getByLabel('Your answer').fill(answer);
    await panel.getByLabel('Your answer').press('Enter');
    await expect(view).not.toHaveAttribute('data-status', 'waiting_for_input');
    answered++;
    expect(answered).toBeLessThanOrEqual(3);
  }
  expect(answered).toBeGreaterThan(0);
  await expect(view.getByTestId('job-status').first()).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('feed-text').filter({ hasText: `You answered: "${answer}"` }).first()).toBeVisible();
  await expect(page.getByTestId('feed-question').first()).toHaveText(askUserQuestion);
  expect((await statusesSeen())!).toContain('waiting_for_input');

  // The model server got the answer the person typed.
  const requests = runner!.model.requests();
  expect(requests.some((r) => r.scenario === 'ask-question' && JSON.stringify(r.messages ?? []).includes(answer))).toBe(true);
});
