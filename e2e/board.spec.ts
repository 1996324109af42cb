import { expect, test } from '@playwright/test';
import { column, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';

test('sign up, create an organization and a project, add a ticket and drag it to another column', async ({ browser }) => {
  const ada = await signUpInBrowser(browser, 'Ada Lovelace');
  const { page } = ada;

  await page.getByRole('button', { name: 'Switch organization' }).click();
  await page.getByRole('menuitem', { name: 'New organization' }).click();
  await page.getByLabel('Name').fill('Analytical Engines');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByTestId('current-org')).toHaveText('Analytical Engines');

  await createProjectInBrowser(page, 'Difference Engine', 'DIFF');
  await createTicketInBrowser(page, 'Carry the tens');
  await expect(column(page, 'Backlog').getByTestId('ticket-card').filter({ hasText: 'DIFF-1' })).toBeVisible();

  await dragCard(page, 'Carry the tens', 'Todo');
  await expect(column(page, 'Todo').getByTestId('ticket-card').filter({ hasText: 'Carry the tens' })).toBeVisible();

  // The move was stored by the server, not only shown optimistically.
  await page.reload();
  await expect(column(page, 'Todo').getByTestId('ticket-card').filter({ hasText: 'Carry the tens' })).toBeVisible();
  await expect(column(page, 'Backlog').getByTestId('ticket-card')).toHaveCount(0);
});

test('the table view sorts and filters tickets', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Grace Hopper');
  await createProjectInBrowser(page, 'Compiler', 'COMP');
  for (const title of ['Parse input', 'Emit code', 'Link objects']) await createTicketInBrowser(page, title);
  await page.getByRole('link', { name: 'Table' }).or(page.getByRole('button', { name: 'Table' })).first().click();
  await expect(page.getByTestId('ticket-row')).toHaveCount(3);
  await page.getByPlaceholder(/Filter/).fill('emit');
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(page.getByTestId('ticket-row')).toContainText('Emit code');
});

test('an administrator adds, renames and reorders status columns', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Column Admin');
  await createProjectInBrowser(page, 'Columns', 'COLS');
  await page.getByRole('button', { name: 'Edit columns' }).click();
  const dialog = page.getByTestId('edit-columns-dialog');
  await dialog.getByLabel('New column name').fill('QA');
  await dialog.getByRole('button', { name: 'Add column' }).click();
  await expect(page.getByTestId('board-column')).toHaveCount(6);
  await expect(page.locator('[data-testid="board-column"][data-status="QA"]')).toHaveCount(1);
  await dialog.getByLabel('Name of column QA').fill('Quality');
  await dialog.getByLabel('Name of column QA').press('Enter');
  await expect(page.locator('[data-testid="board-column"][data-status="Quality"]')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Move Quality left' }).click();
  await expect
    .poll(() => page.getByTestId('board-column').evaluateAll((columns) => columns.map((c) => c.getAttribute('data-status'))))
    .toEqual(['Backlog', 'Todo', 'AI Processing', 'In Review', 'Quality', 'Done']);
});
