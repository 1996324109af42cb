import type { Browser } from 'playwright-core';
import type { Stack } from '../stack/stack.ts';
import { signedInContext } from './browser.ts';
import { collectSamples, type SampleLoop, type SampleRun } from './samples.ts';
import type { BenchBoard } from './seed-board.ts';

/** Milliseconds after navigation start (performance.now() of the board's document). */
export type LoadMarks = {
  /** The HTML arrived (navigation timing). */
  html: number;
  domContentLoaded: number;
  /** zero-cache's WebSocket: created, open, first message, last query change sent, last message before interactive. */
  socketCreated?: number;
  socketOpen?: number;
  firstMessage?: number;
  /** The board's tickets query can only be asked for once the project (its id) has arrived. */
  lastQueryChange?: number;
  lastMessage?: number;
  /** Bytes received on the socket until interactive (UTF-16 code units of text frames). */
  socketBytes: number;
  /** The first tickets arrived: the real columns replace the skeleton. */
  columns?: number;
  firstCard?: number;
  /** The counts add up to every ticket. */
  allCounted?: number;
  /** …and a card is hit by a click at its centre. */
  interactive?: number;
  /** Main-thread tasks over 50 ms before interactive: how many, total and longest. */
  longTasks: number;
  longTaskTotal: number;
  longestTask: number;
};

declare global {
  interface Window {
    benchLoad?: Omit<LoadMarks, 'html' | 'domContentLoaded'>;
  }
}

/** Runs at document start in the board's page: records when the board becomes usable. */
function watchBoardLoad(expected: number) {
  const marks: NonNullable<Window['benchLoad']> = { socketBytes: 0, longTasks: 0, longTaskTotal: 0, longestTask: 0 };
  window.benchLoad = marks;
  const done = () => marks.interactive !== undefined;

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      marks.socketCreated ??= performance.now();
      this.addEventListener('open', () => (marks.socketOpen ??= performance.now()));
      this.addEventListener('message', (event: MessageEvent) => {
        if (done()) return;
        const now = performance.now();
        marks.firstMessage ??= now;
        marks.lastMessage = now;
        marks.socketBytes += typeof event.data === 'string' ? event.data.length : 0;
      });
    }
    send(data: Parameters<WebSocket['send']>[0]) {
      if (!done() && typeof data === 'string' && /^\["(initConnection|changeDesiredQueries)"/.test(data)) marks.lastQueryChange = performance.now();
      super.send(data);
    }
  };

  new PerformanceObserver((list) => {
    if (done()) return;
    for (const entry of list.getEntries()) {
      marks.longTasks += 1;
      marks.longTaskTotal += entry.duration;
      marks.longestTask = Math.max(marks.longestTask, entry.duration);
    }
  }).observe({ type: 'longtask', buffered: true });

  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="board-column"]')) return;
    const now = performance.now();
    marks.columns ??= now;
    const card = document.querySelector('[data-testid="ticket-card"]');
    if (card) marks.firstCard ??= now;
    let sum = 0;
    for (const el of document.querySelectorAll('[data-testid="column-count"]')) sum += Number(el.textContent);
    if (sum !== expected || !card) return;
    marks.allCounted ??= now;
    const box = card.getBoundingClientRect();
    const hit = box.width > 0 ? document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) : null;
    if (hit && card.contains(hit)) {
      marks.interactive = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

export type BoardLoadRun = SampleRun & { marks: LoadMarks[] };

/** Each sample: a fresh context (no cache, no Zero storage) opens the board; navigation start → interactive. */
export async function measureBoardLoad(browser: Browser, stack: Stack, board: BenchBoard, loop: SampleLoop): Promise<BoardLoadRun> {
  const marks: LoadMarks[] = [];
  const run = await collectSamples(loop, async (i) => {
    const context = await signedInContext(browser, stack.appUrl, board.teammate);
    try {
      await context.addInitScript(watchBoardLoad, board.ticketCount);
      const page = await context.newPage();
      await page.goto(board.boardPath, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.benchLoad?.interactive !== undefined, undefined, { timeout: 30_000 });
      const sample = await page.evaluate((): LoadMarks => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        return { ...window.benchLoad!, html: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd };
      });
      if (i >= loop.warmup) marks.push(sample);
      if (i === 0) {
        // Once: "interactive" must mean that a click opens the ticket.
        await page.getByTestId('ticket-card').first().click();
        await page.waitForURL(/\/tickets\//, { timeout: 10_000 });
      }
      return sample.interactive!;
    } finally {
      await context.close();
    }
  });
  return { ...run, marks };
}
