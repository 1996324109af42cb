import { expect, test } from '@playwright/test';
import { nanoid } from 'nanoid';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server';
import { db, orgIdOf } from './support/database';
import { compileRoutes, createProjectInBrowser, createTicketInBrowser, signUpInBrowser } from './support/people';

let provider: ProviderApi;
const token = 'github_pat_11E2EREVIEWLOOP0000000000';

test.beforeAll(async ({ browser }) => {
  // A development server compiles a route on its first visit: slower than an assertion's wait under load.
  test.setTimeout(300_000);
  await compileRoutes(browser, ['/{org}/settings/integrations', '/{org}/tickets/NONE-1']);
  provider = await startProviderApi();
  provider.addToken(token, { kind: 'github-fine-grained', login: 'octo', permissions: { contents: 'write', pull_requests: 'write' }, repositories: ['acme/web'] });
});

test.afterAll(() => provider?.close());

test('a signed review shows live in the deliveries list, and its refused retrigger on the ticket', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Reva Reviews');
  const orgSlug = new URL(page.url()).pathname.split('/')[1];
  await createProjectInBrowser(page, 'Reviews', 'REVW');
  await createTicketInBrowser(page, 'Polish the footer');

  await page.getByRole('link', { name: 'Integrations' }).click();
  const card = page.getByTestId('integration-github');
  await card.getByLabel('Token', { exact: true }).fill(token);
  await card.getByLabel('API URL (optional)').fill(provider.githubUrl);
  await card.getByRole('button', { name: 'Connect GitHub' }).click();
  const webhook = page.getByTestId('review-webhook').filter({ hasText: 'GitHub webhook' });
  await expect(webhook.getByTestId('webhook-secret-preview')).toContainText('None yet');
  await webhook.getByRole('button', { name: 'Generate secret' }).click();
  const secret = (await webhook.getByTestId('webhook-secret').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
  const url = (await webhook.getByTestId('webhook-url').textContent()) ?? '';
  expect(url).toMatch(/\/api\/webhooks\/github\/[\w-]+$/);
  await expect(webhook.getByText('No deliveries yet.')).toBeVisible();

  // The runner's pull request for the ticket (linking from a real job is covered by test/review-webhooks.pg.test.ts).
  const orgId = await orgIdOf(orgSlug);
  const [ticket] = await db<{ id: string }>("SELECT t.id FROM ticket t JOIN project p ON p.id = t.project_id WHERE p.organization_id = $1 AND p.key = 'REVW'", [orgId]);
  await db(
    `INSERT INTO pull_request (id, organization_id, ticket_id, provider, repository, branch, number, url, state, created_at, updated_at)
     VALUES ($1, $2, $3, 'github', 'acme/web', 'spedy/footer', 5, $4, 'open', $5, $5)`,
    [nanoid(), orgId, ticket!.id, `${provider.url}/web/github/acme/web/pull/5`, Date.now()],
  );

  const ticketPage = await page.context().newPage();
  await ticketPage.goto(`/${orgSlug}/tickets/REVW-1`);
  const pullRequests = ticketPage.getByTestId('ticket-pull-requests');
  await expect(pullRequests.getByTestId('ticket-pull-request')).toHaveAttribute('data-state', 'open');
  await expect(pullRequests.getByTestId('ticket-pull-request')).toContainText('acme/web#5');

  // Retrigger on review is off by default: the review is refused, and both pages show it without a reload.
  const review = provider.reviews.post({ repository: 'acme/web', number: 5, reviewer: 'rita', body: 'Needs spacing.', comments: [{ path: 'footer.css', line: 3, body: 'Use the spacing scale.' }] });
  const delivery = await provider.reviews.deliver(url, secret, review);
  expect(delivery.status).toBe(202);
  await expect(pullRequests.getByTestId('review-retrigger')).toHaveAttribute('data-guard', 'disabled');
  await expect(pullRequests.getByTestId('review-retrigger')).toContainText('Not retriggered: Retrigger on review is off');
  await expect(pullRequests.getByTestId('review-retrigger')).toContainText('Review by rita on acme/web#5');

  const row = webhook.getByTestId('webhook-delivery');
  await expect(row).toHaveAttribute('data-outcome', 'processed');
  await expect(row).toHaveAttribute('data-delivery', delivery.deliveryId);
  await expect(row).toContainText('pull_request_review.submitted');
  await expect(row).toContainText('Not retriggered: Retrigger on review is off');
  // The secret was shown once; it is never on the page as text again after a reload.
  await page.reload();
  await expect(page.getByTestId('review-webhook').filter({ hasText: 'GitHub webhook' }).getByTestId('webhook-secret-preview')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(secret);
});
