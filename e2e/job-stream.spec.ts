// The streaming job view with real parts: the real supervisor (startDemoRunner: Docker,
// Claude Code CLI against the scripted model, git remote, provider API) works a ticket
// the person moved on the board, and the job page shows it live through Zero.
import { expect, test, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import type { DemoRunner } from '../stack/demo-runner';
import { cacheHitRate, usageTotals } from '../lib/jobs/event-feed';
import type { PipelineConfig } from '../lib/teams/pipeline';
import { askUserQuestion, editAndTestUsage } from '../test-kit/model-server/scenarios';
import type { NodeZero } from '../test/support/zero-client';
import { db } from './support/database';
import { column, compileRoutes, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';
import { codingStage, ownerZero, startScriptedRunner, useScriptedTeam } from './support/scripted-runner';

test.describe.configure({ mode: 'serial' });

let page: Page;
let orgSlug: string;
let runner: DemoRunner | null = null;
/** The same person's Zero client on the spec's Node side: it gives the project teams of the shape a test needs. */
let zero: NodeZero | null = null;
let orgID: string;
const key = 'LIVE';

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/projects/NONE/board', '/{org}/tickets/NONE-1', '/{org}/jobs/none']);
  const person = await signUpInBrowser(browser, 'Stream Watcher');
  ({ page } = person);
  orgSlug = new URL(page.url()).pathname.split('/')[1]!;
  await createProjectInBrowser(page, 'Live', key);
  // A job id that does not exist (this also has the dev server compile the job page before the clock matters).
  await page.goto(`/${orgSlug}/jobs/no-such-job`);
  await expect(page.getByTestId('job-missing')).toContainText('This job no longer exists', { timeout: 120_000 });
  await page.goto(`/${orgSlug}/tickets/${key}-999`);
  await expect(page.getByText('Ticket not found')).toBeVisible({ timeout: 120_000 });
  runner = await startScriptedRunner({ orgSlug, projectKey: key });
  ({ zero, orgID } = await ownerZero(person, orgSlug, key));
});

test.afterAll(async () => {
  await zero?.close();
  await runner?.stop();
  await page?.context().close();
});

/** Has this project's tickets worked by a new team of the demo runner's kind with pipeline `steps`; `[scenario:…]` in a stage's name scripts it. */
async function useTeam(name: string, steps: PipelineConfig['steps']) {
  await useScriptedTeam({ zero: zero!, orgID, projectKey: key }, name, { description: 'Job page tests', steps });
}

const stage = codingStage;

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

test('Stop on the job page stops a running job live; Continue resumes it to its pull request; the Jobs tab links to the live view', async () => {
  test.setTimeout(540_000);
  await useTeam('Patient Writers', [{ id: 'step-implement', stages: [stage('implement', { name: 'Implement [scenario:write-then-wait]', validationCommands: ['node hello.js'] })] }]);
  const title = 'Write, then take your time';
  const jobId = await startJobAndOpenIt(title);
  await watchStatuses();
  const view = page.getByTestId('job-view');
  const implement = page.locator('[data-testid="feed-item"][data-stage="implement"]');

  // The agent wrote hello.js and now sleeps: Stop, confirmed in the dialog.
  await expect(implement.getByTestId('feed-tool-call').filter({ hasText: 'Write' })).toContainText('hello.js', { timeout: 240_000 });
  await expect(implement.getByTestId('feed-tool-call').filter({ hasText: 'Bash' })).toContainText('sleep 600', { timeout: 120_000 });
  await expect(page.getByTestId('continue-job')).toHaveCount(0);
  await page.getByTestId('stop-job').click();
  const confirm = page.getByRole('dialog', { name: 'Stop this job?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Stop job' }).click();
  await expect(confirm).toHaveCount(0);

  // Stopped, live: the badge, no Stop any more, the runner's report in the feed, and Continue.
  await expect(view).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect(view.getByTestId('job-status').first()).toHaveText('Stopped');
  await expect(page.getByTestId('stop-job')).toHaveCount(0);
  await expect(page.getByTestId('feed-stage').filter({ hasText: /stopped/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-testid="job-stage"][data-state="stopped"]')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('stopped.png') });
  const [stopped] = await db<{ status: string }>('SELECT status FROM job WHERE id = $1', [jobId]);
  expect(stopped!.status).toBe('stopped');

  await page.getByTestId('continue-job').click();
  await expect(page.getByTestId('continue-job')).toHaveCount(0);
  await expect(view.getByTestId('job-status').first()).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(view.getByTestId('job-pull-request')).toContainText('demo/spedy-demo#');
  await expect(view.getByTestId('feed-pull-request')).toBeVisible();
  await expect(implement.getByTestId('feed-text').filter({ hasText: 'Wrote hello.js and waited.' })).toBeVisible();
  await expect(page.locator('[data-testid="job-stage"][data-state="completed"]')).toHaveCount(1);
  const seen = (await statusesSeen())!;
  expect(seen, 'the same page (no reload) saw Stopped, then Completed').toContain('stopped');
  expect(seen.indexOf('completed')).toBeGreaterThan(seen.indexOf('stopped'));
  const lastItem = (await page.getByTestId('feed-item').last().innerText()).trim();
  // The job's title carries its ticket's id (LIVE-n).
  const jobTitle = (await page.getByTestId('job-title').innerText()).trim();
  expect(jobTitle).toContain(title);

  // The Jobs tab: the details show the job's latest feed items as the job page does, and the title is a link to it.
  await page.goto(`/${orgSlug}/settings/runners?tab=jobs`);
  const row = page.getByTestId('job-row').filter({ hasText: title });
  await expect(row.getByTestId('job-status')).toHaveText('Completed', { timeout: 120_000 });
  await row.getByRole('button', { name: `Details of ${jobTitle}`, exact: true }).click();
  const detail = page.getByTestId('job-detail');
  await expect(detail.getByTestId('feed-item').last()).toHaveText(lastItem);
  await expect(detail.getByTestId('feed-item').first()).toBeVisible();
  await expect(detail.getByTestId('open-live-view')).toHaveAttribute('href', `/${orgSlug}/jobs/${jobId}`);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  const link = row.getByRole('link', { name: jobTitle, exact: true });
  await expect(link).toHaveAttribute('href', `/${orgSlug}/jobs/${jobId}`);
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/${orgSlug}/jobs/${jobId}$`));
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
});

test('a planner stage that needs approval shows the plan with Approve (no "Answers required"); Approve resumes the job to its pull request', async () => {
  test.setTimeout(480_000);
  await useTeam('Careful Builders', [
    { id: 'step-plan', stages: [stage('plan', { name: 'Plan [scenario:plan-then-build]', type: 'planning', role: 'planner', allowedTools: ['Read', 'Grep', 'Glob'] })] },
    { id: 'step-build', stages: [stage('build', { name: 'Build', requireApproval: true })] },
  ]);
  const note = `Keep it short ${nanoid(6)}`;
  await startJobAndOpenIt('Greet the visitors');
  await watchStatuses();
  const view = page.getByTestId('job-view');

  await expect(view).toHaveAttribute('data-status', 'waiting_for_input', { timeout: 240_000 });
  const approval = page.getByTestId('job-approval');
  await expect(approval.getByRole('heading', { name: 'The plan waits for your approval' })).toBeVisible();
  await expect(approval.getByTestId('job-plan')).toContainText('1. Add hello.js printing a greeting.');
  await expect(page.getByTestId('feed-plan')).toContainText('1. Add hello.js printing a greeting.');
  await expect(page.getByRole('heading', { name: 'Answers required' })).toHaveCount(0);
  await expect(page.getByTestId('job-response')).toHaveCount(0);
  await expect(page.locator('[data-testid="job-stage"][data-state="awaiting_approval"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="job-stage"][data-state="awaiting_approval"]')).toContainText('Build');
  await page.screenshot({ path: test.info().outputPath('plan-approval.png') });

  await approval.getByLabel('A note for the agent (optional)').fill(note);
  await approval.getByRole('button', { name: 'Approve plan' }).click();
  await expect(page.getByTestId('job-approval')).toHaveCount(0);
  await expect(view.getByTestId('job-status').first()).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(view.getByTestId('job-pull-request')).toContainText('demo/spedy-demo#');
  await expect(page.getByTestId('feed-text').filter({ hasText: 'Built it as planned: Hello from Spedy' })).toBeVisible();
  await expect(page.locator('[data-testid="job-stage"][data-state="completed"]')).toHaveCount(2);
  expect((await statusesSeen())!).toContain('waiting_for_input');
  // The approval note reached the planner's conversation.
  const resumed = runner!.model.requests().find((r) => r.scenario === 'plan-then-build' && r.turn === 1);
  expect(JSON.stringify(resumed?.messages ?? [])).toContain(note);
});
