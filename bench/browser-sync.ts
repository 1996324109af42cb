import { nanoid } from 'nanoid';
import type { Stack } from '../stack/stack.ts';
import { waitForFullBoard } from './board-page.ts';
import { launchBrowser, signedInContext } from './browser.ts';
import { collectSamples, type SampleLoop, type SampleRun } from './samples.ts';
import type { BenchBoard } from './seed-board.ts';
import type { Teardown } from './teardown.ts';

/** Wall-clock times (performance.timeOrigin + now(), sub-millisecond) recorded by the pages. */
export type SocketLog = { pushes: number[]; pokeStarts: number[]; pokeEnds: number[] };
type CardWatch = { ticketID: string; title: string | null; seenAt: number };
declare global {
  interface Window {
    benchSocket?: SocketLog;
    benchCardWatch?: CardWatch;
    benchEnterAt?: number;
  }
}

/** Runs at document start: notes when Zero's socket sends a push and receives pokes. */
export function recordSocketTimes() {
  const log: SocketLog = { pushes: [], pokeStarts: [], pokeEnds: [] };
  window.benchSocket = log;
  const now = () => performance.timeOrigin + performance.now();
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        if (event.data.startsWith('["pokeStart"')) log.pokeStarts.push(now());
        else if (event.data.startsWith('["pokeEnd"')) log.pokeEnds.push(now());
      });
    }
    send(data: Parameters<WebSocket['send']>[0]) {
      if (typeof data === 'string' && data.startsWith('["push"')) log.pushes.push(now());
      super.send(data);
    }
  };
}

export type SyncParts = { enterToPush: number[]; pushToPoke: number[]; pokeToDom: number[] };

export type BrowserSyncRun = SampleRun & {
  /** Per sample: Enter in A → A's socket sends the push; → B's socket receives the poke; poke complete → B's DOM shows it. */
  parts: SyncParts;
};

/** Empties a page's socket log before a sample (runs in the page). */
export function clearSocketLog() {
  const log = window.benchSocket!;
  log.pushes.length = log.pokeStarts.length = log.pokeEnds.length = 0;
}

/** Splits one sample at A's push and B's poke; a sample whose push or poke was not seen adds nothing. */
export function addSyncParts(parts: SyncParts, a: { enterAt: number; pushes: number[] }, b: SocketLog & { seenAt: number }): void {
  const pushAt = a.pushes.find((t) => t >= a.enterAt);
  const pokeAt = pushAt === undefined ? undefined : b.pokeStarts.find((t) => t >= pushAt);
  const pokeDoneAt = b.pokeEnds.filter((t) => t <= b.seenAt).pop();
  if (pushAt === undefined || pokeAt === undefined || pokeDoneAt === undefined) return;
  parts.enterToPush.push(pushAt - a.enterAt);
  parts.pushToPoke.push(pokeAt - pushAt);
  parts.pokeToDom.push(b.seenAt - pokeDoneAt);
}

/**
 * Two Chromium instances, two members of the organization. Page A (the owner) is the top
 * ticket's page and renames it through the inline title editor: the clock starts when
 * Enter goes down. Page B (the teammate) is the board: the clock stops when that card's
 * DOM shows the new title. Both clocks are this machine's.
 */
export async function measureBrowserSync(stack: Stack, board: BenchBoard, teardown: Teardown, loop: SampleLoop): Promise<BrowserSyncRun> {
  const [browserA, browserB] = await Promise.all([launchBrowser(teardown, 'page A'), launchBrowser(teardown, 'page B')]);
  try {
    const contextA = await signedInContext(browserA, stack.appUrl, board.owner);
    const contextB = await signedInContext(browserB, stack.appUrl, board.teammate);
    await Promise.all([contextA.addInitScript(recordSocketTimes), contextB.addInitScript(recordSocketTimes)]);
    const [pageA, pageB] = await Promise.all([contextA.newPage(), contextB.newPage()]);
    await Promise.all([pageA.goto(board.topTicket.path), pageB.goto(board.boardPath)]);
    const titleButton = pageA.getByTestId('ticket-title');
    const titleInput = pageA.getByTestId('ticket-title-input');
    await titleButton.waitFor({ timeout: 60_000 });
    await waitForFullBoard(pageB, board.ticketCount, 60_000);
    await pageB.locator(`[data-testid="ticket-card"][data-ticket-id="${board.topTicket.id}"]`).waitFor();

    await pageA.evaluate(() => {
      window.addEventListener(
        'keydown',
        (event) => {
          const target = event.target;
          if (event.key === 'Enter' && target instanceof HTMLElement && target.dataset.testid === 'ticket-title-input') {
            window.benchEnterAt = performance.timeOrigin + performance.now();
          }
        },
        true,
      );
    });
    await pageB.evaluate((ticketID) => {
      const watch: CardWatch = { ticketID, title: null, seenAt: 0 };
      window.benchCardWatch = watch;
      // Called after each DOM change, before the browser paints it.
      new MutationObserver(() => {
        if (!watch.title || watch.seenAt) return;
        const card = document.querySelector(`[data-testid="ticket-card"][data-ticket-id="${watch.ticketID}"]`);
        if (card?.textContent?.includes(watch.title)) watch.seenAt = performance.timeOrigin + performance.now();
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    }, board.topTicket.id);

    const parts: SyncParts = { enterToPush: [], pushToPoke: [], pokeToDom: [] };
    const run = await collectSamples(loop, async (i) => {
      const title = `Browser sync ${i} ${nanoid(6)}`;
      await Promise.all([pageA.evaluate(clearSocketLog), pageB.evaluate(clearSocketLog)]);
      await pageB.evaluate((t) => {
        window.benchCardWatch!.title = t;
        window.benchCardWatch!.seenAt = 0;
      }, title);
      await titleButton.click();
      await titleInput.fill(title);
      await titleInput.press('Enter');
      await pageB.waitForFunction(() => (window.benchCardWatch?.seenAt ?? 0) > 0, undefined, { timeout: 10_000 });
      const [a, b] = await Promise.all([
        pageA.evaluate(() => ({ enterAt: window.benchEnterAt ?? Number.NaN, pushes: window.benchSocket!.pushes })),
        pageB.evaluate(() => ({ seenAt: window.benchCardWatch!.seenAt, ...window.benchSocket! })),
      ]);
      if (i >= loop.warmup) addSyncParts(parts, a, b);
      // Page A settled (its own title shows the change) before the next edit.
      await titleButton.filter({ hasText: title }).waitFor({ timeout: 10_000 });
      return b.seenAt - a.enterAt;
    });
    return { ...run, parts };
  } finally {
    await Promise.all([browserA.close(), browserB.close()]);
  }
}
