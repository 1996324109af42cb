import { expect, test } from '@playwright/test';
import { nanoid } from 'nanoid';
import type { DemoRunner } from '../stack/demo-runner';
import type { NodeZero } from '../test/support/zero-client';
import { db, orgIdOf } from './support/database';
import { codingStage, ownerZero, startScriptedRunner, useScriptedTeam } from './support/scripted-runner';
import { column, compileRoutes, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser, type Person } from './support/people';

test.describe.configure({ mode: 'serial' });

const key = 'KNOW';
let admin: Person;
let orgSlug: string;
let orgID: string;
let runner: DemoRunner | null = null;
let zero: NodeZero | null = null;

const refundLesson = 'Always report refund errors through the shared logger, never with console.error.';
const layoutLesson = 'Prefer CSS grid for page layouts.';
const entries: Record<string, string> = {};

/** An entry as lib/knowledge/learn.ts writes it for a processed review comment. */
async function learned(comment: string, filePath: string, projectId: string) {
  const id = nanoid();
  const now = Date.now();
  await db(
    `INSERT INTO knowledge_entry (id, organization_id, project_id, ticket_id, file_path, line, diff_context, comment, reviewer, review_id, pull_request_url, confidence, evergreen, evergreen_set_by, created_at, updated_at)
     VALUES ($1, $2, $3, NULL, $4, 3, '', $5, 'octo-reviewer', $6, 'https://github.com/acme/shop/pull/7', 0.5, true, NULL, $7, $7)`,
    [id, orgID, projectId, filePath, comment, `review-${id}`, now],
  );
  return id;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/projects/NONE/board', '/{org}/jobs/none', '/{org}/settings/knowledge']);
  admin = await signUpInBrowser(browser, 'Kim Knowledge');
  orgSlug = new URL(admin.page.url()).pathname.split('/')[1]!;
  orgID = await orgIdOf(orgSlug);
  await createProjectInBrowser(admin.page, 'Knowing', key);
  const [project] = await db<{ id: string }>('SELECT id FROM project WHERE organization_id = $1 AND key = $2', [orgID, key]);
  entries.refund = await learned(refundLesson, 'src/refunds.ts', project!.id);
  entries.layout = await learned(layoutLesson, 'app/layout.css', project!.id);
  runner = await startScriptedRunner({ orgSlug, projectKey: key });
  ({ zero, orgID } = await ownerZero(admin, orgSlug, key));
  await useScriptedTeam({ zero: zero!, orgID, projectKey: key }, 'Knowing Writers', {
    description: 'Knowledge tests',
    steps: [{ id: 'step-implement', stages: [codingStage('implement', { name: 'Implement [scenario:ask-question]' })] }],
  });
});

test.afterAll(async () => {
  await zero?.close();
  await runner?.stop();
  await admin?.page.context().close();
});

test('the job page shows the lessons pre-loaded into its stage, live', async () => {
  test.setTimeout(420_000);
  const page = admin.page;
  const title = 'Refund errors must reach the logger';
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
  await page.goto(`/${orgSlug}/jobs/${jobId}`);
  const preloaded = page.getByTestId('job-knowledge-preloaded');
  await expect(preloaded.locator(`[data-entry="${entries.refund}"]`)).toContainText(refundLesson, { timeout: 300_000 });
  await expect(preloaded.locator(`[data-entry="${entries.refund}"]`)).toContainText('Implement');
  await expect(preloaded.locator(`[data-entry="${entries.layout}"]`)).toHaveCount(0);
});

test('Settings → Knowledge lists, searches, edits and deletes entries, with how often each was pre-loaded', async () => {
  const page = admin.page;
  await page.goto(`/${orgSlug}/settings/knowledge`);
  await expect(page.getByRole('heading', { name: 'Knowledge', level: 1 })).toBeVisible();
  const refund = page.locator(`[data-testid="knowledge-row"][data-entry="${entries.refund}"]`);
  const layout = page.locator(`[data-testid="knowledge-row"][data-entry="${entries.layout}"]`);
  await expect(refund.getByTestId('knowledge-comment')).toHaveText(refundLesson);
  await expect(refund.getByTestId('knowledge-preloaded')).toHaveText('1');
  await expect(refund.getByTestId('knowledge-recurrences')).toHaveText('0');
  await expect(layout.getByTestId('knowledge-preloaded')).toHaveText('0');

  await page.getByLabel('Search knowledge').fill('grid layouts');
  await expect(page.getByTestId('knowledge-row')).toHaveCount(1);
  await expect(layout).toBeVisible();
  // PostgreSQL's English stems: "logging" finds the lesson about the logger.
  await page.getByLabel('Search knowledge').fill('logging refunds');
  await expect(refund).toBeVisible();
  await expect(page.getByTestId('knowledge-row')).toHaveCount(1);
  await page.getByLabel('Search knowledge').fill('logging grid');
  await expect(page.getByTestId('knowledge-search-status')).toHaveText('No entry matches “logging grid”.');
  await expect(page.getByTestId('knowledge-row')).toHaveCount(0);
  await page.getByLabel('Search knowledge').fill('');
  await expect(page.getByTestId('knowledge-row')).toHaveCount(2);

  // A person's edit: the new text, and a lower confidence (the lesson needed a correction).
  await refund.getByRole('button', { name: 'Edit src/refunds.ts' }).click();
  const form = page.getByTestId('knowledge-form');
  await form.getByLabel('Lesson').fill('Report refund errors through the shared logger.');
  await form.getByRole('button', { name: 'Save entry' }).click();
  await expect(form).toBeHidden();
  await expect(refund.getByTestId('knowledge-comment')).toHaveText('Report refund errors through the shared logger.');
  await expect(refund.getByTestId('knowledge-confidence')).toHaveText('0.40');
  const [stored] = await db<{ comment: string }>('SELECT comment FROM knowledge_entry WHERE id = $1', [entries.refund]);
  expect(stored!.comment).toBe('Report refund errors through the shared logger.');

  // Evergreen: proposed by the rule until a person says otherwise.
  await expect(layout).toContainText('proposed');
  await layout.getByRole('switch', { name: 'Evergreen: app/layout.css' }).click();
  await expect(layout.getByRole('switch', { name: 'Evergreen: app/layout.css' })).toHaveAttribute('aria-checked', 'false');
  await expect(layout).toContainText('set by a person');

  await layout.getByRole('button', { name: 'Delete app/layout.css' }).click();
  await page.getByRole('button', { name: 'Delete entry' }).click();
  await expect(layout).toHaveCount(0);
  await expect(page.getByTestId('knowledge-row')).toHaveCount(1);
  expect(await db('SELECT id FROM knowledge_entry WHERE id = $1', [entries.layout])).toEqual([]);
});
