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
