import type { BoardLoadRun, LoadMarks } from './board-load.ts';
import type { BrowserSyncRun } from './browser-sync.ts';
import type { NodeSyncRun } from './node-sync.ts';
import { describeRun, percentile, type SampleRun } from './samples.ts';
import type { ScrollRun } from './table-scroll.ts';

/** What each stage produced, or why it did not. */
export type BoardResults = {
  nodeSync: NodeSyncRun | Error;
  browserSync: BrowserSyncRun | Error;
  /** The same edit between two bare React + Zero pages (no Next.js, no app shell). */
  floorSync: BrowserSyncRun | Error;
  boardLoad: BoardLoadRun | Error;
  tableScroll: ScrollRun[] | Error;
};

/** One line of a bench's results table; `met: null` when the figure has no verdict (it failed, or is informational). */
export type Row = { figure: string; measured: string; target: string; met: boolean | null };

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
export const seconds = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : 'n/a');
const median = (values: readonly number[]) => percentile(values, 50);
const failed = (err: Error): Pick<Row, 'measured' | 'met'> => ({ measured: `failed: ${err.message.split('\n')[0].slice(0, 60)}`, met: null });

export function printTable(rows: readonly Row[]): void {
  const header: Row = { figure: 'Figure', measured: 'Measured', target: 'Target', met: null };
  const all = [header, ...rows];
  const width = (key: 'figure' | 'measured' | 'target') => Math.max(...all.map((r) => r[key].length));
  const [wf, wm, wt] = [width('figure'), width('measured'), width('target')];
  const line = (r: Row, verdict: string) => `  ${r.figure.padEnd(wf)}  ${r.measured.padStart(wm)}  ${r.target.padEnd(wt)}  ${verdict}`;
  console.log(line(header, ''));
  console.log(`  ${'-'.repeat(wf + wm + wt + 12)}`);
  for (const r of rows) console.log(line(r, r.met === null ? '-' : r.met ? 'met' : 'MISSED'));
}

function latencyRow(figure: string, run: { samples: number[] } | Error, p50Target: number, p95Target: number): Row {
  const target = `≤ ${p50Target} / ≤ ${p95Target} ms`;
  if (run instanceof Error) return { figure, target, ...failed(run) };
  const [p50, p95] = [percentile(run.samples, 50), percentile(run.samples, 95)];
  return { figure, target, measured: `${ms(p50)} / ${ms(p95)}`, met: p50 <= p50Target && p95 <= p95Target };
}

/** The app's browser figure over the floor's, p50 and p95 (the floor runs on the same machine, minutes apart). */
function floorRatioRow(app: SampleRun | Error, floor: SampleRun | Error): Row {
  const row = { figure: 'Browsers: app ÷ bare React + Zero floor, p50 / p95', target: '≤ 1.3× / ≤ 1.3×' };
  const error = app instanceof Error ? app : floor instanceof Error ? floor : null;
  if (error) return { ...row, ...failed(error) };
  const a = app as SampleRun;
  const f = floor as SampleRun;
  const [r50, r95] = [percentile(a.samples, 50) / percentile(f.samples, 50), percentile(a.samples, 95) / percentile(f.samples, 95)];
  return { ...row, measured: `${r50.toFixed(2)}× / ${r95.toFixed(2)}×`, met: r50 <= 1.3 && r95 <= 1.3 };
}

function loadRow(run: BoardLoadRun | Error): Row {
  const row = { figure: 'Fresh context: navigation → board interactive, p50', target: '≤ 2.0 s' };
  if (run instanceof Error) return { ...row, ...failed(run) };
  const p50 = median(run.samples);
  return { ...row, measured: seconds(p50), met: p50 <= 2000 };
}

function scrollRow(runs: ScrollRun[] | Error): Row {
  const row = { figure: 'Table scroll: longest task / tasks > 50 ms (worst run)', target: 'no task > 50 ms' };
  if (runs instanceof Error) return { ...row, ...failed(runs) };
  const tasks = runs.flatMap((r) => r.longTasks);
  const overBudget = Math.max(0, ...runs.map((r) => r.longTasks.filter((d) => d > 50).length));
  const longest = tasks.length ? ms(Math.max(...tasks)) : 'none ≥ 50 ms';
  return { ...row, measured: `${longest} / ${overBudget}`, met: runs.every((r) => r.reachedBottom) ? overBudget === 0 : null };
}

function loadSteps(marks: readonly LoadMarks[]): string {
  const at = (pick: (m: LoadMarks) => number | undefined) => Math.round(median(marks.flatMap((m) => pick(m) ?? [])));
  const steps: [string, (m: LoadMarks) => number | undefined][] = [
    ['HTML', (m) => m.html],
    ['DOMContentLoaded', (m) => m.domContentLoaded],
    ['socket created', (m) => m.socketCreated],
    ['open', (m) => m.socketOpen],
    ['tickets query sent', (m) => m.lastQueryChange],
    ['last message', (m) => m.lastMessage],
    ['first cards', (m) => m.firstCard],
    ['counts complete', (m) => m.allCounted],
    ['interactive', (m) => m.interactive],
  ];
  const tasks = `${at((m) => m.longTasks)} long tasks (${at((m) => m.longTaskTotal)} ms, longest ${at((m) => m.longestTask)} ms)`;
  return `${steps.map(([name, pick]) => `${name} ${at(pick)}`).join(' → ')}; ${at((m) => m.socketBytes / 1024)} KiB on the socket; ${tasks}`;
}

function describeSyncParts({ parts }: BrowserSyncRun): string {
  return (
    `median Enter → A sends the push ${ms(median(parts.enterToPush))}; → B receives the poke ${ms(median(parts.pushToPoke))}; ` +
    `B has the whole poke → B's DOM ${ms(median(parts.pokeToDom))} (${parts.enterToPush.length} samples split)`
  );
}

function printDetails(results: BoardResults): void {
  const { nodeSync, browserSync, floorSync, boardLoad, tableScroll } = results;
  if (!(nodeSync instanceof Error)) {
    console.log(`  1. ${describeRun(nodeSync)}`);
    console.log(`     median mutate() → server mutator ran ${ms(median(nodeSync.toServer))}; the rest is commit → replication → poke → B's view`);
  }
  if (!(browserSync instanceof Error)) {
    console.log(`  2. ${describeRun(browserSync)}`);
    console.log(`     ${describeSyncParts(browserSync)}`);
  }
  if (!(floorSync instanceof Error)) {
    console.log(`  3. ${describeRun(floorSync)}; the pages talk to zero-cache directly (the app's go through its /zero forwarding)`);
    console.log(`     ${describeSyncParts(floorSync)}`);
  }
  if (!(boardLoad instanceof Error)) {
    console.log(`  4. ${describeRun(boardLoad)}; samples ${boardLoad.samples.map(seconds).join(', ')}`);
    console.log(`     median ms after navigation start: ${loadSteps(boardLoad.marks)}`);
  }
  if (!(tableScroll instanceof Error)) {
    tableScroll.forEach((run, i) => {
      const tasks = run.longTasks.length ? run.longTasks.map((d) => Math.round(d)).join(', ') : 'none';
      const bottom = run.reachedBottom ? '' : ' (did NOT reach the bottom)';
      console.log(`  5. run ${i + 1}: ${run.frames} frames in ${seconds(run.durationMs)}${bottom}; longest frame gap ${ms(run.worstFrameGap)}; long tasks (ms): ${tasks}`);
      if (run.worstFrame) {
        const scripts = run.worstFrame.scripts.join('; ') || 'no script attribution';
        console.log(`     longest animation frame ${ms(run.worstFrame.duration)} (blocking ${ms(run.worstFrame.blocking)}): ${scripts}`);
      }
    });
  }
}

export function printBoardReport(results: BoardResults): void {
  printTable([
    latencyRow('Node clients: A mutates → B live query, p50 / p95', results.nodeSync, 35, 60),
    latencyRow('Browsers: title edit in A → B board DOM, p50 / p95', results.browserSync, 70, 120),
    latencyRow('Floor: the same edit, bare React + Zero, p50 / p95', results.floorSync, 70, 120),
    floorRatioRow(results.browserSync, results.floorSync),
    loadRow(results.boardLoad),
    scrollRow(results.tableScroll),
  ]);
  console.log('\nDetails');
  printDetails(results);
}
