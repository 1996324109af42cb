import type { Page } from 'playwright-core';

/** Waits until the columns' counts add up to `ticketCount` and a card is on screen (the board is complete). */
export async function waitForFullBoard(page: Page, ticketCount: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      let sum = 0;
      for (const el of document.querySelectorAll('[data-testid="column-count"]')) sum += Number(el.textContent);
      return sum === expected && document.querySelector('[data-testid="ticket-card"]') !== null;
    },
    ticketCount,
    { timeout: timeoutMs },
  );
}
