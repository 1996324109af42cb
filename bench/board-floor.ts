// The floor under the browser sync figure: two browsers on a bare React + Zero page (the
// app's schema, queries and mutators; no Next.js, no app shell) against the same zero-cache
// and the same PostgreSQL, measured in the same run as the app's own browser figure.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { nanoid } from 'nanoid';
import type { Browser, Page } from 'playwright-core';
import { fromRoot } from '../stack/paths.ts';
import type { Stack } from '../stack/stack.ts';
import { launchBrowser, signedInContext } from './browser.ts';
import { addSyncParts, type BrowserSyncRun, clearSocketLog, recordSocketTimes, type SyncParts } from './browser-sync.ts';
import { collectSamples, type SampleLoop } from './samples.ts';
import type { BenchBoard } from './seed-board.ts';
import type { Teardown } from './teardown.ts';

declare global {
  interface Window {
    floorEnterAt?: number;
    floorWatch?: { title: string | null; seenAt: number };
  }
}

/** Bundles bench/board-floor-page.tsx and serves it on loopback; `localhost` so the session cookie reaches zero-cache. */
async function serveFloorPage(teardown: Teardown): Promise<string> {
  const bundle = await build({
    entryPoints: [fromRoot('bench', 'board-floor-page.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0].contents;
  const html = '<!doctype html><html><body><div id="root"></div><script type="module" src="/floor.js"></script></body></html>';
  const server = http.createServer((req, res) => {
    const isScript = req.url === '/floor.js';
    res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    res.end(isScript ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  teardown.add('the floor page server', () => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

async function openFloorPage(browser: Browser, stack: Stack, board: BenchBoard, mode: 'edit' | 'watch', pageUrl: string): Promise<Page> {
  const member = mode === 'edit' ? board.owner : board.teammate;
  const context = await signedInContext(browser, stack.appUrl, member);
  await context.addInitScript(recordSocketTimes);
  const page = await context.newPage();
  const query = new URLSearchParams({
    mode,
    context: JSON.stringify(member.context),
    org: board.project.orgID,
    project: board.project.id,
    ticket: board.topTicket.id,
    // The top ticket is the first one seeded.
    number: '1',
    zero: stack.zeroUrl,
  });
  await page.goto(`${pageUrl}/?${query}`);
  return page;
}

/** Enter in page A (the owner renames the top ticket) → page B's DOM shows the new title, split as the app's figure is. */
export async function measureFloorSync(stack: Stack, board: BenchBoard, teardown: Teardown, loop: SampleLoop): Promise<BrowserSyncRun> {
  const pageUrl = await serveFloorPage(teardown);
  const [browserA, browserB] = await Promise.all([launchBrowser(teardown, 'floor A'), launchBrowser(teardown, 'floor B')]);
  try {
    const [pageA, pageB] = await Promise.all([
      openFloorPage(browserA, stack, board, 'edit', pageUrl),
      openFloorPage(browserB, stack, board, 'watch', pageUrl),
    ]);
    await pageB.getByTestId('floor-count').filter({ hasText: String(board.ticketCount) }).waitFor({ timeout: 60_000 });
    const pageErrors: string[] = [];
    for (const page of [pageA, pageB]) {
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    }
    const input = pageA.getByTestId('ticket-title-input');
    await input.waitFor({ timeout: 60_000 });
    await pageA.evaluate(() => {
      window.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') window.floorEnterAt = performance.timeOrigin + performance.now();
      }, true);
    });
    await pageB.evaluate(() => {
      const watch = { title: null as string | null, seenAt: 0 };
      window.floorWatch = watch;
      new MutationObserver(() => {
        if (!watch.title || watch.seenAt) return;
        if (document.querySelector('[data-testid="ticket-card"]')?.textContent?.includes(watch.title)) watch.seenAt = performance.timeOrigin + performance.now();
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const parts: SyncParts = { enterToPush: [], pushToPoke: [], pokeToDom: [] };
    const run = await collectSamples(loop, async (i) => {
      const title = `Floor sync ${i} ${nanoid(6)}`;
      await Promise.all([pageA.evaluate(clearSocketLog), pageB.evaluate(clearSocketLog)]);
      await pageB.evaluate((t) => {
        window.floorWatch!.title = t;
        window.floorWatch!.seenAt = 0;
      }, title);
      await input.fill(title);
      await input.press('Enter');
      await pageB.waitForFunction(() => (window.floorWatch?.seenAt ?? 0) > 0, undefined, { timeout: 10_000 }).catch((error: Error) => {
        throw new Error(`${error.message.split('\n')[0]}${pageErrors.length ? ` (page errors: ${pageErrors.slice(-3).join(' | ')})` : ''}`);
      });
      const [a, b] = await Promise.all([
        pageA.evaluate(() => ({ enterAt: window.floorEnterAt ?? Number.NaN, pushes: window.benchSocket!.pushes })),
        pageB.evaluate(() => ({ seenAt: window.floorWatch!.seenAt, ...window.benchSocket! })),
      ]);
      if (i >= loop.warmup) addSyncParts(parts, a, b);
      return b.seenAt - a.enterAt;
    });
    return { ...run, parts };
  } finally {
    await Promise.all([browserA.close(), browserB.close()]);
  }
}
