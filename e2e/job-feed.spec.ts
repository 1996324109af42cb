// A long job's feed in a real browser: a running job of a few thousand events (rows written as
// the runner events endpoint writes them) keeps only a window of rows in the DOM, reads older
// events as the person scrolls back, and still shows new events live. A compacted job says so.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { nanoid } from 'nanoid';
import { db, orgIdOf } from './support/database';
import { compileRoutes, signUpInBrowser } from './support/people';

const total = 3000;
/** The live query's window (lib/jobs/feed-window.ts: liveWindow). */
const liveWindow = 300;

async function insertJob(orgId: string, status: string, extra: { finishedAt?: number; compactedAt?: number } = {}): Promise<string> {
  const id = nanoid();
  const runnerId = nanoid();
  const now = Date.now();
  await db(
    `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
     VALUES ($1, $2, $3, '0.0.6', '["claude_code"]', '[]', 2, 'token', 'online', $4, $4)`,
    [runnerId, orgId, `feed-${runnerId.slice(0, 6)}`, now],
  );
  await db(
    `INSERT INTO job (id, organization_id, root_job_id, type, title, status, required_capabilities, required_labels, runner_id, last_event_seq, created_at, updated_at, claimed_at, finished_at, compacted_at)
     VALUES ($1, $2, $1, 'streaming', 'A long job', $3, '[]', '[]', $4, 0, $5, $5, $5, $6, $7)`,
    [id, orgId, status, runnerId, now, extra.finishedAt ?? null, extra.compactedAt ?? null],
  );
  return id;
}

/** Events from..to: "Event n" texts, every tenth a tool call whose result follows. */
async function insertEvents(jobId: string, orgId: string, from: number, to: number) {
  await db(
    `INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at)
     SELECT $1, n, $2,
       CASE WHEN n % 10 = 3 THEN 'tool_call' WHEN n % 10 = 4 THEN 'tool_result' ELSE 'text' END,
       CASE WHEN n % 10 = 3 THEN jsonb_build_object('stage', 'code', 'id', 'tu' || n, 'name', 'Bash', 'input', jsonb_build_object('command', 'echo ' || n))
            WHEN n % 10 = 4 THEN jsonb_build_object('stage', 'code', 'toolUseId', 'tu' || (n - 1), 'content', 'out ' || (n - 1), 'isError', false)
            ELSE jsonb_build_object('stage', 'code', 'text', 'Event ' || n) END,
       $5::double precision + n
     FROM generate_series($3::int, $4::int) AS n`,
    [jobId, orgId, from, to, Date.now()],
  );
  await db('UPDATE job SET last_event_seq = $2 WHERE id = $1', [jobId, to]);
}

const text = (page: Page, n: number) => page.getByTestId('feed-text').filter({ hasText: new RegExp(`^Event ${n}$`) });
const seqAttribute = async (feed: Locator, name: string) => Number(await feed.getAttribute(name));

test.beforeAll(async ({ browser }) => {
  test.setTimeout(600_000);
  await compileRoutes(browser, ['/{org}/jobs/none']);
});

test('a job of thousands of events renders a window of rows, pages older ones in on scrolling back, and stays live', async ({ browser }) => {
  test.setTimeout(180_000);
  const { page } = await signUpInBrowser(browser, 'Fay Feed');
  const slug = new URL(page.url()).pathname.split('/')[1];
  const orgId = await orgIdOf(slug);
  const jobId = await insertJob(orgId, 'running');
  await insertEvents(jobId, orgId, 1, total);

  await page.goto(`/${slug}/jobs/${jobId}`);
  const feed = page.getByTestId('job-feed');
  // Following the newest: the last event in view, only the live window held, a few dozen rows in the DOM.
  await expect(text(page, total)).toBeInViewport({ timeout: 60_000 });
  await expect(feed).toHaveAttribute('data-latest-seq', String(total));
  await expect(feed).toHaveAttribute('data-first-seq', String(total - liveWindow + 1));
  const windowRows = await page.getByTestId('feed-item').count();
  expect(windowRows).toBeGreaterThan(5);
  expect(windowRows).toBeLessThan(80);
  // The tool's result is folded into its call's row, closed.
  const call = page.getByTestId('feed-item').filter({ has: page.getByTestId('feed-tool-call').filter({ hasText: `echo ${total - 7}` }) });
  await expect(call.getByTestId('feed-tool-result')).not.toHaveAttribute('open');
  await expect(call.getByTestId('feed-tool-result')).toContainText(`out ${total - 7}`);

  // Scrolling back reads older events, page by page, and the rows in the DOM stay few.
  await feed.evaluate((box) => box.scrollTo({ top: 0 }));
  await expect(page.getByTestId('jump-to-latest')).toBeVisible();
  await expect.poll(() => seqAttribute(feed, 'data-first-seq')).toBeLessThan(total - liveWindow + 1);
  for (let pages = 0; pages < 3; pages++) {
    const first = await seqAttribute(feed, 'data-first-seq');
    await feed.evaluate((box) => box.scrollTo({ top: 0 }));
    await expect.poll(() => seqAttribute(feed, 'data-first-seq')).toBeLessThan(first);
  }
  const oldest = await seqAttribute(feed, 'data-first-seq');
  expect(oldest).toBeLessThan(total - liveWindow - 3 * 200);
  await feed.evaluate((box) => box.scrollTo({ top: 0 }));
  await expect(page.getByTestId('feed-text').first()).toBeVisible();
  expect(await page.getByTestId('feed-item').count()).toBeLessThan(80);
  await expect(text(page, total)).toHaveCount(0);

  // New events arrive while the person reads back: they stay put, and the newest are there on jumping back.
  await insertEvents(jobId, orgId, total + 1, total + 5);
  await expect(feed).toHaveAttribute('data-latest-seq', String(total + 5));
  await page.getByTestId('jump-to-latest').click();
  await expect(text(page, total + 5)).toBeInViewport();
  // Following again: a new event comes into view by itself.
  await insertEvents(jobId, orgId, total + 6, total + 6);
  await expect(text(page, total + 6)).toBeInViewport();
  expect(await page.getByTestId('feed-item').count()).toBeLessThan(80);

  // A finished job whose detail was compacted says so.
  const compactedAt = Date.UTC(2026, 10, 3, 12);
  const compacted = await insertJob(orgId, 'completed', { finishedAt: compactedAt - 40 * 86_400_000, compactedAt });
  await insertEvents(compacted, orgId, 1, 3);
  await page.goto(`/${slug}/jobs/${compacted}`);
  await expect(page.getByTestId('job-compacted')).toContainText('Detail compacted on Nov 3, 2026');
  await expect(page.getByTestId('job-feed-start')).toBeVisible();
});
