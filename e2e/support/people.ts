import { expect, type Browser, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';

export type Person = { name: string; email: string; password: string; page: Page };

/** Signs a new person up through the UI, in a browser context of their own. */
export async function signUpInBrowser(browser: Browser, name: string, next = '/'): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${nanoid(6).toLowerCase()}@example.test`;
  const password = `pw-${nanoid(10)}`;
  await page.goto(`/sign-up?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).not.toHaveURL(/sign-up/);
  return { name, email, password, page };
}

/** `owner` invites a new person by link (no mail server) from Settings → Members; they sign up and accept, as a Member. */
export async function inviteMemberInBrowser(browser: Browser, owner: Page, orgSlug: string, name: string): Promise<Person> {
  await owner.goto(`/${orgSlug}/settings/members`);
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${nanoid(6).toLowerCase()}@example.test`;
  const password = `pw-${nanoid(10)}`;
  await owner.getByPlaceholder('name@example.com').fill(email);
  await owner.getByRole('button', { name: /Invite/ }).click();
  const link = await owner.getByTestId('invite-link').first().inputValue();
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('accept-invitation').click();
  await expect(page).not.toHaveURL(/\/invite\//);
  return { name, email, password, page };
}

export async function createProjectInBrowser(page: Page, name: string, key: string) {
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Key').fill(key);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${key}/board`));
  await expect(page.getByTestId('board-column')).toHaveCount(5);
}

export async function createTicketInBrowser(page: Page, title: string) {
  await page.getByRole('button', { name: /New ticket/ }).first().click();
  const dialog = page.getByTestId('new-ticket-dialog');
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('button', { name: /Create/ }).click();
  await expect(dialog).toBeHidden();
  await expect(column(page, 'Backlog').getByTestId('ticket-card').filter({ hasText: title })).toBeVisible();
}

export function column(page: Page, status: string) {
  return page.locator(`[data-testid="board-column"][data-status="${status}"]`);
}

/** Drags with real pointer events, in steps, as dnd-kit needs. */
export async function dragCard(page: Page, title: string, toStatus: string) {
  const card = page.getByTestId('ticket-card').filter({ hasText: title });
  const from = await card.boundingBox();
  const to = await column(page, toStatus).boundingBox();
  if (!from || !to) throw new Error('card or column is not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 20 });
  await page.mouse.up();
}

/**
 * A dev server compiles each route on its first request, which on a loaded machine can take
 * longer than an expectation waits: sign a throwaway person up and visit `paths` (under their
 * organization, `{org}` in a path) once, with generous timeouts.
 */
export async function compileRoutes(browser: Browser, paths: string[]) {
  const context = await browser.newContext();
  const warm = await context.newPage();
  const appUrl = process.env.SPEDY_TEST_APP_URL!;
  await warm.goto('/sign-up', { timeout: 180_000 });
  const email = `warm.up.${nanoid(6).toLowerCase()}@example.test`;
  const signUp = await warm.request.post('/api/auth/sign-up/email', { data: { name: 'Warm Up', email, password: `pw-${nanoid(10)}` }, headers: { origin: appUrl }, timeout: 180_000 });
  expect(signUp.ok()).toBe(true);
  await warm.goto('/', { timeout: 180_000 });
  const slug = new URL(warm.url()).pathname.split('/')[1];
  for (const path of paths) {
    await warm.goto(path.replace('{org}', slug), { timeout: 180_000 });
    await warm.waitForLoadState('networkidle', { timeout: 180_000 }).catch(() => {});
  }
  await context.close();
}
