import type { Browser } from 'playwright-core';
import type { Stack } from '../stack/stack.ts';
import { signedInContext } from './browser.ts';
import type { BenchBoard } from './seed-board.ts';

export type ScrollRun = {
  /** Frames drawn on the way down, and how long it took. */
  frames: number;
  durationMs: number;
  reachedBottom: boolean;
  /** 'longtask' entries: every main-thread task of 50 ms or more. */
  longTasks: number[];
  /** The longest gap between two animation frames. */
  worstFrameGap: number;
  /** The longest 'long-animation-frame' entry and the scripts that took most of it. */
  worstFrame: { duration: number; blocking: number; scripts: string[] } | null;
};

/**
 * Scrolls the table one viewport per animation frame (a fast fling) from the top until the
 * last row is on screen, with a 'longtask' and a 'long-animation-frame' observer running.
 */
async function scrollTableToBottom(timeLimitMs: number): Promise<ScrollRun> {
  const scroller = document.querySelector<HTMLElement>('[data-testid="ticket-table"]');
  if (!scroller) throw new Error('no [data-testid="ticket-table"] on the page');
  const longTasks: number[] = [];
  const longTaskObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  longTaskObserver.observe({ type: 'longtask' });
  type Frame = PerformanceEntry & {
    blockingDuration: number;
    scripts: { duration: number; invoker: string; sourceFunctionName: string; sourceURL: string }[];
  };
  let worst: Frame | null = null;
  const frameObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Frame[]) if (!worst || entry.duration > worst.duration) worst = entry;
  });
  frameObserver.observe({ type: 'long-animation-frame' });

  const started = performance.now();
  let last = started;
  let frames = 0;
  let worstFrameGap = 0;
  const reachedBottom = await new Promise<boolean>((resolve) => {
    const step = (now: number) => {
      worstFrameGap = Math.max(worstFrameGap, now - last);
      last = now;
      frames += 1;
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) return resolve(true);
      if (now - started > timeLimitMs) return resolve(false);
      scroller.scrollTop += scroller.clientHeight;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const durationMs = performance.now() - started;
  // Entries are delivered after their task ends: give the last ones time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  longTaskObserver.disconnect();
  frameObserver.disconnect();
  const frame = worst as Frame | null;
  return {
    frames,
    durationMs,
    reachedBottom,
    longTasks,
    worstFrameGap,
    worstFrame: frame && {
      duration: frame.duration,
      blocking: frame.blockingDuration,
      scripts: [...frame.scripts]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3)
        .map((s) => `${Math.round(s.duration)} ms ${s.invoker} ${s.sourceFunctionName || ''} ${s.sourceURL.split('/').pop() ?? ''}`.trim()),
    },
  };
}

/** Each run: a fresh context opens `?view=table`, waits for every row to be counted, rests, then scrolls down. */
export async function measureTableScroll(
  browser: Browser,
  stack: Stack,
  board: BenchBoard,
  opts: { runs: number; timeLimitMs: number; signal: AbortSignal },
): Promise<ScrollRun[]> {
  const runs: ScrollRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    opts.signal.throwIfAborted();
    const context = await signedInContext(browser, stack.appUrl, board.teammate);
    try {
      const page = await context.newPage();
      await page.goto(`${board.boardPath}?view=table`);
      await page.locator(`[role="table"][aria-rowcount="${board.ticketCount + 1}"]`).waitFor({ timeout: 60_000 });
      await page.getByTestId('ticket-row').first().waitFor();
      // Let the initial render and Zero's follow-up work finish before scrolling.
      await page.waitForTimeout(1_000);
      runs.push(await page.evaluate(scrollTableToBottom, opts.timeLimitMs));
    } finally {
      await context.close();
    }
  }
  return runs;
}
