import { expect, test } from '@playwright/test';
import { createProjectInBrowser, createTicketInBrowser, signUpInBrowser } from './support/people';

test("another organization's board and ticket cannot be opened, queried or changed", async ({ browser }) => {
  const alice = await signUpInBrowser(browser, 'Alice Secret');
  await createProjectInBrowser(alice.page, 'Private', 'PRIV');
  await createTicketInBrowser(alice.page, 'Confidential plan');
  const aliceOrg = new URL(alice.page.url()).pathname.split('/')[1];

  const mallory = await signUpInBrowser(browser, 'Mallory Snoop');
  const malloryOrg = new URL(mallory.page.url()).pathname.split('/')[1];

  // By URL: the other organization's pages answer "not found".
  for (const path of [`/${aliceOrg}`, `/${aliceOrg}/projects/PRIV/board`, `/${aliceOrg}/tickets/PRIV-1`]) {
    const response = await mallory.page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(mallory.page.getByText('Confidential plan')).toHaveCount(0);
  }

  // Through her own organization's pages with Alice's ticket number: nothing to see.
  await mallory.page.goto(`/${malloryOrg}/tickets/PRIV-1`);
  await expect(mallory.page.getByText(/not found/i).first()).toBeVisible();
  await expect(mallory.page.getByText('Confidential plan')).toHaveCount(0);

  // Straight at the mutate endpoint with her own session cookie, bypassing zero-cache.
  const aliceTicketId = await alice.page.getByTestId('ticket-card').first().getAttribute('data-ticket-id');
  const res = await mallory.page.request.post('/api/zero/mutate?schema=spedy_0&appID=spedy', {
    data: {
      clientGroupID: 'cg',
      mutations: [
        { type: 'custom', id: 1, clientID: 'c1', name: 'ticket.delete', args: [{ id: aliceTicketId }], timestamp: Date.now() },
      ],
      pushVersion: 1,
      timestamp: Date.now(),
      requestID: 'r1',
    },
  });
  expect(JSON.stringify(await res.json())).toMatch(/Ticket not found/);
  await alice.page.reload();
  await expect(alice.page.getByTestId('ticket-card').filter({ hasText: 'Confidential plan' })).toBeVisible();
});
