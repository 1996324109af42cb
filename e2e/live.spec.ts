import { expect, test } from '@playwright/test';
import { column, createProjectInBrowser, createTicketInBrowser, dragCard, signUpInBrowser } from './support/people';

test('an invited member sees moves and comments of the other without reloading', async ({ browser }) => {
  const owner = await signUpInBrowser(browser, 'Olivia Owner');
  await createProjectInBrowser(owner.page, 'Shared Board', 'SHR');
  await createTicketInBrowser(owner.page, 'Watch me move');
  const boardUrl = owner.page.url();

  // Invite by link (no mail server): the owner copies it, the invitee signs up and accepts.
  const orgPath = new URL(boardUrl).pathname.split('/')[1];
  await owner.page.goto(`/${orgPath}/settings/members`);
  const inviteeEmailPage = await browser.newContext().then((c) => c.newPage());
  const inviteeName = 'Ivan Invitee';
  const inviteeEmail = `ivan.${Date.now()}@example.test`;
  await owner.page.getByPlaceholder('name@example.com').fill(inviteeEmail);
  await owner.page.getByRole('button', { name: /Invite/ }).click();
  const link = await owner.page.getByTestId('invite-link').first().inputValue();
  expect(link).toMatch(/\/invite\//);

  const invitee = inviteeEmailPage;
  await invitee.goto(`/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
  await invitee.getByLabel('Name').fill(inviteeName);
  await invitee.getByLabel('Email').fill(inviteeEmail);
  await invitee.getByLabel('Password').fill('a-long-password');
  await invitee.getByRole('button', { name: 'Sign up' }).click();
  await invitee.getByTestId('accept-invitation').click();
  await expect(invitee).not.toHaveURL(/\/invite\//);

  await owner.page.goto(boardUrl);
  await invitee.goto(new URL(boardUrl).pathname);
  await expect(column(invitee, 'Backlog').getByTestId('ticket-card').filter({ hasText: 'Watch me move' })).toBeVisible();

  await dragCard(owner.page, 'Watch me move', 'Todo');
  await expect(column(invitee, 'Todo').getByTestId('ticket-card').filter({ hasText: 'Watch me move' })).toBeVisible();

  // A comment written by the invitee appears on the owner's open ticket page.
  await owner.page.getByTestId('ticket-card').filter({ hasText: 'Watch me move' }).click();
  await expect(owner.page).toHaveURL(/\/tickets\/SHR-1/);
  await invitee.goto(new URL(owner.page.url()).pathname);
  await invitee.getByTestId('comment-input').fill('Looks good to me');
  await invitee.keyboard.press('Control+Enter');
  await expect(owner.page.getByTestId('comment').filter({ hasText: 'Looks good to me' })).toBeVisible();
});
