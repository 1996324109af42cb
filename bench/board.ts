// `npm run bench:board`: a board of 10,000 tickets on a throwaway stack; prints live-sync
// latency (Node clients and browsers), board load time and the table's longest scroll task
// against their targets. It measures and prints; it never fails on a missed target.
import os from 'node:os';
import { startBenchStack } from './bench-stack.ts';
import { measureFloorSync } from './board-floor.ts';
import { measureBoardLoad } from './board-load.ts';
import { launchBrowser } from './browser.ts';
import { measureBrowserSync } from './browser-sync.ts';
import { measureNodeSync, waitForBoardSynced } from './node-sync.ts';
import { printBoardReport, seconds, type BoardResults } from './report.ts';
import { seedBoard } from './seed-board.ts';
import { measureTableScroll } from './table-scroll.ts';
import { abortOnSignals, loadAverage, runBench, Teardown } from './teardown.ts';

const TICKETS = 10_000;

const teardown = new Teardown();
const { interrupt, abort: abortBench } = abortOnSignals(teardown);


/** Runs one measurement; its failure is reported in its row and the others still run (unless interrupted). */
async function stage<T>(title: string, measure: () => Promise<T>): Promise<T | Error> {
  console.log(`▶ ${title} (load average ${loadAverage()})`);
  try {
    return await measure();
  } catch (err) {
    interrupt.signal.throwIfAborted();
    const error = err instanceof Error ? err : new Error(String(err));
    console.error(`  ✗ ${error.message}`);
    return error;
  }
}

async function main(): Promise<void> {
  console.log(`Board bench: ${TICKETS.toLocaleString('en')} tickets, ${os.cpus().length} cores, load average ${loadAverage()}`);
  if (os.loadavg()[0] > os.cpus().length / 2) console.log('  ! The load average is above half the cores: other work may push the figures up.');
  const stack = await startBenchStack({ name: 'bench', dev: false, preferredPort: 3400, preferredZeroPort: 5148, teardown, interrupt, abort: abortBench });

  console.log(`\n▶ Seeding ${TICKETS.toLocaleString('en')} tickets`);
  const seeding = performance.now();
  const board = await seedBoard(stack.databaseUrl, TICKETS, (member) => teardown.add(`${member.email}'s Zero client`, () => member.zero.close()));
  console.log(`  ✓ inserted in ${seconds(performance.now() - seeding)}`);
  const syncedIn = await waitForBoardSynced(board, 120_000);
  console.log(`  ✓ both Node clients hold the whole board ${seconds(syncedIn)} later\n`);

  const loop = { warmup: 5, count: 40, signal: interrupt.signal };
  const nodeSync = await stage('1/5 Node clients: mutation → the other client’s live query', () =>
    measureNodeSync(board, { ...loop, timeLimitMs: 60_000 }),
  );
  await Promise.all([board.owner.zero.close(), board.teammate.zero.close()]);
  const browserSync = await stage('2/5 Browsers: title edit in page A → page B’s board DOM', () =>
    measureBrowserSync(stack, board, teardown, { ...loop, timeLimitMs: 120_000 }),
  );
  const floorSync = await stage('3/5 Floor: the same edit between two bare React + Zero pages', () =>
    measureFloorSync(stack, board, teardown, { ...loop, timeLimitMs: 120_000 }),
  );
  const browser = await launchBrowser(teardown, 'load and scroll');
  const boardLoad = await stage('4/5 Fresh browser context: navigation → board interactive', () =>
    measureBoardLoad(browser, stack, board, { warmup: 1, count: 5, timeLimitMs: 120_000, signal: interrupt.signal }),
  );
  const tableScroll = await stage('5/5 Table view: scrolling 10,000 rows top to bottom', () =>
    measureTableScroll(browser, stack, board, { runs: 3, timeLimitMs: 30_000, signal: interrupt.signal }),
  );
  await browser.close();

  const results: BoardResults = { nodeSync, browserSync, floorSync, boardLoad, tableScroll };
  console.log(`\nResults (load average ${loadAverage()} at the end; other work on the machine raises every figure)\n`);
  printBoardReport(results);
}

await runBench(main, teardown, interrupt);
