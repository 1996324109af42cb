
import { expect, test, type Page } from '@playwright/test';
import type { DemoRunner } from '../stack/demo-runner';
import type { BudgetConfig, StageConfig } from '../lib/teams/pipeline';
import { defaultBudget } from '../lib/teams/pipeline';
import { presets } from '../lib/teams/presets';
import { text, toolUse, type Scenario, type TurnRequest, type TurnResult } from '../test-kit/model-server/scenario';
import type { NodeZero } from '../test/support/zero-client';
import { db, } from './support/database';
import { ownerZero, startScriptedRunner, useScriptedTeam } from './support/scripted-runner';
import { column, compileRoutes, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';

test.describe.configure({ mode: 'serial' });

const key = 'BUD';
const question = 'Shall I run the script once more?';
let page: Page;
let orgSlug: string;
let orgID: string;
let runner: DemoRunner | null = null;
/** The same person's Zero client on the spec's Node side, for the teams a test needs. */
let zero: NodeZero | null = null;

// Sonnet 4.6 output is $15 per million tokens: $1.50, then $1.80 (82.5% of $4, past 80%), a
// question that waits for the person, and after the answer $0.72 more: $4.02, the cap.
const zeroUsage = { input: 0, cacheRead: 0, cacheWrite: 0 };
/** After the question, whether the stage's session goes on at once or is resumed with the answer. */
function afterQuestion(request: TurnRequest): TurnResult {
  const ran = request.toolResults.some((r) => r.text.includes('Hello from Spedy'));
  if (ran) return { content: [text('Ran hello.js again.')], usage: { ...zeroUsage, output: 1000 } };
  const answered = request.toolResults.length === 0 && request.lastUserText !== undefined && request.lastUserText !== request.prompt;
  if (answered) return { content: [toolUse('Bash', { command: 'node hello.js', description: 'Run it' })], usage: { ...zeroUsage, output: 48_000 } };
  return { content: [text('I asked; I will go on once it is answered.')], usage: { ...zeroUsage, output: 10 } };
}
const scenarios: Record<string, Scenario> = {
  'budget-ask': {
    description: 'Writes hello.js ($1.50), asks a question ($1.80), and after the answer runs it ($0.72), then ends.',
    turns: [
      (request) => ({
        content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: "console.log('Hello from Spedy');\n" })],
        usage: { ...zeroUsage, output: 100_000 },
      }),
      { content: [toolUse('mcp__spedy__ask_user', { question })], usage: { ...zeroUsage, output: 120_000 } },
      afterQuestion,
      afterQuestion,
      afterQuestion,
    ],
  },
};

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/projects/NONE/board', '/{org}/tickets/NONE-1', '/{org}/jobs/none']);
  const person = await signUpInBrowser(browser, 'Budget Watcher');
  ({ page } = person);
  orgSlug = new URL(page.url()).pathname.split('/')[1]!;
  await createProjectInBrowser(page, 'Budgets', key);
  runner = await startScriptedRunner({ orgSlug, projectKey: key }, scenarios);
  ({ zero, orgID } = await ownerZero(person, orgSlug, key));
});

test.afterAll(async () => {
  await zero?.close();
  await runner?.stop();
  await page?.context().close();
});


/** Has the project's tickets worked by a new team with `budget` whose one stage is `stage` (its `[scenario:…]` picks the scripted behaviour). */
async function useTeam(name: string, requiredLabels: string[], budget: BudgetConfig, stage: StageConfig) {
  await useScriptedTeam({ zero: zero!, orgID, projectKey: key }, name, { description: 'Budget tests', steps: [{ id: 'step-implement', stages: [stage] }], requiredLabels, budget });
}

const implement = (name: string): StageConfig => ({ ...presets.code_runner.pipeline().steps[1]!.stages[0]!, id: 'implement', type: 'coding', name, model: 'claude-sonnet-4-6' });

/** Creates a ticket on the board and opens its page; returns its display id. */
async function openNewTicket(title: string): Promise<string> {
  await page.goto(`/${orgSlug}/projects/${key}/board`);
  await createTicketInBrowser(page, title);
  const card = column(page, 'Backlog').getByTestId('ticket-card').filter({ hasText: title });
  await expect(async () => {
    if (!/\/tickets\//.test(page.url())) await card.click({ timeout: 5_000 });
    await expect(page).toHaveURL(new RegExp(`/${orgSlug}/tickets/${key}-\\d+$`), { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  return new URL(page.url()).pathname.split('/').at(-1)!;
}

/** Opens the job of the ticket whose page is open, from its runs panel. */
async function openTheRun(): Promise<string> {
  const run = page.getByTestId('ticket-run');
  await expect(run).toHaveCount(1, { timeout: 60_000 });
  await run.getByTestId('open-job').click();
  await expect(page).toHaveURL(new RegExp(`/${orgSlug}/jobs/[^/]+$`), { timeout: 60_000 });
  await expect(page.getByTestId('job-view')).toBeVisible({ timeout: 60_000 });
  return new URL(page.url()).pathname.split('/').at(-1)!;
}

test('a ticket’s AI budget, set in its sidebar with the keyboard, is the budget of the job its move triggers', async () => {
  test.setTimeout(300_000);
  // No runner has this team's label: its job stays Ready, with the budget it was created with.
  await useTeam('Idle Budgeters', ['no-runner-has-this'], { ...defaultBudget, maxCostUsd: 10, maxCostCeilingUsd: 20, maxTurns: 200 }, implement('Implement'));
  await openNewTicket('Cheap fix');
  const field = page.getByTestId('ticket-ai-budget');
  await expect(field).toHaveAttribute('data-source', 'team');
  await expect(page.getByTestId('ticket-ai-budget-text')).toHaveText('$10.00 · 200 turns (team default)');

  // Keyboard only: focus the edit button, open, type, submit with Enter.
  await page.getByRole('button', { name: 'Edit AI budget' }).focus();
  await page.keyboard.press('Enter');
  const form = page.getByTestId('ticket-ai-budget-form');
  await expect(form).toBeVisible();
  const cost = form.getByLabel('Cost limit (USD)');
  await expect(cost).toBeFocused();
  await cost.fill('25');
  await cost.press('Enter');
  await expect(form).toContainText("$25.00 is above the team's cost ceiling of $20.00; ask an administrator to raise the ceiling.");
  await cost.fill('0');
  await cost.press('Enter');
  await expect(form).toContainText('The cost limit must be above $0.');
  await cost.fill('2.5');
  await form.getByLabel('Turn limit').fill('40');
  await form.getByLabel('Turn limit').press('Enter');
  await expect(form).toHaveCount(0);
  await expect(field).toHaveAttribute('data-source', 'ticket');
  await expect(page.getByTestId('ticket-ai-budget-text')).toHaveText('$2.50 · 40 turns (this ticket)');

  // The move that triggers the job: its snapshot, and the job page's budget bar, carry the ticket's limit.
  await page.getByTestId('ticket-status').click();
  await page.getByRole('option', { name: 'AI Processing' }).click();
  const jobId = await openTheRun();
  await expect(page.getByTestId('job-budget-bar')).toHaveAttribute('data-state', 'within');
  await expect(page.getByTestId('job-budget-text')).toHaveText('$0.00 of $2.50 (0%)');
  const [snapshot] = await db<{ cost: number; turns: number }>(
    "SELECT (snapshot->'budget'->>'maxCostUsd')::float AS cost, (snapshot->'budget'->>'maxTurns')::int AS turns FROM secure.job_snapshot WHERE job_id = $1",
    [jobId],
  );
  expect(snapshot).toEqual({ cost: 2.5, turns: 40 });
});

test('the budget bar turns yellow past the warning threshold and red at the cap, live, as the scripted job spends', async () => {
  test.setTimeout(480_000);
  await useTeam('Budget Burners', ['demo'], { ...defaultBudget, maxCostUsd: 10, maxTurns: 200 }, implement('Implement [scenario:budget-ask]'));
  const displayId = await openNewTicket('Spend it all');
  // The ticket's $4 (the team's is $10): the supervisor's meter holds the job to it.
  await page.getByRole('button', { name: 'Edit AI budget' }).click();
  const form = page.getByTestId('ticket-ai-budget-form');
  await form.getByLabel('Cost limit (USD)').fill('4');
  await form.getByRole('button', { name: 'Save budget' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('ticket-ai-budget-text')).toHaveText('$4.00 (this ticket)');
  await page.goto(`/${orgSlug}/projects/${key}/board`);
  await dragCard(page, 'Spend it all', 'AI Processing');
  await expect(column(page, 'AI Processing').getByTestId('ticket-card').filter({ hasText: 'Spend it all' })).toBeVisible();
  await page.goto(`/${orgSlug}/tickets/${displayId}`);
  await openTheRun();

  // Every state the bar takes on the open page, in order (a reload would lose the list).
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { __budgetStates: seen });
    const record = () => {
      const state = document.querySelector('[data-testid="job-budget-bar"]')?.getAttribute('data-state');
      if (state && seen.at(-1) !== state) seen.push(state);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const view = page.getByTestId('job-view');
  const bar = page.getByTestId('job-budget-bar');

  // $3.30 of $4: past 80%, and the job waits for the answer to its question.
  await expect(view).toHaveAttribute('data-status', 'waiting_for_input', { timeout: 300_000 });
  await expect(page.getByTestId('job-question')).toHaveText(question);
  await expect(bar).toHaveAttribute('data-state', 'warning');
  await expect(page.getByTestId('job-budget-text')).toHaveText('$3.30 of $4.00 (82%)');
  await expect(bar).toContainText('Past the warning threshold');
  await page.screenshot({ path: test.info().outputPath('budget-warning.png') });

  await page.getByTestId('job-response').getByLabel('Your answer').fill('Yes, once more.');
  await page.getByTestId('job-response').getByLabel('Your answer').press('Enter');
  await expect(page.getByTestId('job-response')).toHaveCount(0, { timeout: 60_000 });

  // $4.02: the cap. The meter stopped the stage; the job waits for a raise or an end.
  await expect(bar).toHaveAttribute('data-state', 'reached', { timeout: 300_000 });
  await expect(page.getByTestId('job-budget-text')).toHaveText('$4.02 of $4.00 (100%)');
  await expect(bar).toContainText('Budget reached');
  await expect(view).toHaveAttribute('data-status', 'waiting_for_input', { timeout: 120_000 });
  await expect(page.getByTestId('job-reason')).toHaveText('Budget reached: $4.02 of $4.00');
  await expect(page.getByTestId('job-budget')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('budget-reached.png') });
  const states = (await page.evaluate(() => (window as unknown as { __budgetStates: string[] }).__budgetStates)) ?? [];
  expect(states.slice(-2), 'the same page saw yellow, then red').toEqual(['warning', 'reached']);
});
