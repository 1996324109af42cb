// Settings → Runners shows a runner's image preparation on its row, live: "Preparing runner
// image — 0:41" counting up, then nothing once it is ready, or the reason it failed. The
// runner's heartbeats write runner.image_status (lib/runners/presence.ts); here the test
// writes it as a heartbeat would.
import { expect, test, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { db, orgIdOf } from './support/database';
import { signUpInBrowser } from './support/people';

const slugOf = (page: Page) => new URL(page.url()).pathname.split('/')[1];

test('a runner preparing its image says so on its row, counting up, then its failure with the reason', async ({ browser }) => {
  const { page } = await signUpInBrowser(browser, 'Ida Image');
  await page.goto(`/${slugOf(page)}/settings/runners`);
  await expect(page.getByRole('heading', { name: 'Runners', level: 1 })).toBeVisible();
  const orgId = await orgIdOf(slugOf(page));
  const runnerId = nanoid();
  const now = Date.now();
  const preparing = { state: 'preparing', startedAt: now - 41_000 };
  await db(
    `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at, image_status)
     VALUES ($1, $2, 'image-box', '0.1.0', '["claude_code"]', '[]', 3, 'token', 'online', $3, $3, $4)`,
    [runnerId, orgId, now, JSON.stringify(preparing)],
  );
  const row = page.getByTestId('runner-row').filter({ hasText: 'image-box' });
  const line = row.getByTestId('runner-image');
  await expect(line).toHaveText(/^Preparing runner image — \d+:\d\d$/);
  // It counts up without new data: the text changes on its own.
  const first = await line.textContent();
  await expect(line).not.toHaveText(first ?? '');

  await db(`UPDATE runner SET image_status = $2 WHERE id = $1`, [runnerId, JSON.stringify({ ...preparing, state: 'ready', endedAt: now })]);
  await expect(line).toHaveCount(0);

  const reason = "The runner image's base spedy-base:bookworm is not in the Docker engine. Run ./setup.sh on the host.";
  await db(`UPDATE runner SET image_status = $2 WHERE id = $1`, [runnerId, JSON.stringify({ state: 'failed', startedAt: now, endedAt: now, reason })]);
  await expect(line).toHaveText(`Runner image failed: ${reason}`);
  await expect(line).toHaveAttribute('data-state', 'failed');

  // An Offline runner prepares nothing: no line.
  await db(`UPDATE runner SET status = 'offline' WHERE id = $1`, [runnerId]);
  await expect(row.getByTestId('runner-status')).toHaveText('Offline');
  await expect(line).toHaveCount(0);
});
