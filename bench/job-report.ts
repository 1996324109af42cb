// The job bench's tables: each phase's spread over the jobs measured, then the floor (a
// bare container running the CLI) and what of a stage is start-up versus our own work.
import type { FloorRun, FloorSample } from './job-floor.ts';
import type { JobMarks, StageMarks } from './job-watch.ts';
import { percentile } from './samples.ts';

type Row = { figure: string; values: number[] };

const fmt = (value: number) => (!Number.isFinite(value) ? 'n/a' : Math.abs(value) < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`);

/** p50 / p95 with enough samples; otherwise the median and the range (p95 of five is the max). */
function spread(values: number[], percentiles: boolean): string {
  if (values.length === 0) return 'n/a';
  if (percentiles) return `${fmt(percentile(values, 50))} / ${fmt(percentile(values, 95))}`;
  return `${fmt(percentile(values, 50))} (${fmt(Math.min(...values))} – ${fmt(Math.max(...values))})`;
}

function printRows(title: string, rows: Row[], n: number): void {
  const head = n >= 10 ? 'p50 / p95' : 'median (min – max)';
  const cells = rows.map((r) => ({ figure: r.figure, measured: spread(r.values, n >= 10), count: r.values.length >= n ? '' : `${r.values.length} of ${n}` }));
  const wf = Math.max(title.length, ...cells.map((c) => c.figure.length));
  const wm = Math.max(head.length, ...cells.map((c) => c.measured.length));
  console.log(`  ${title.padEnd(wf)}  ${head.padStart(wm)}`);
  console.log(`  ${'-'.repeat(wf + wm + 2)}`);
  for (const c of cells) console.log(`  ${c.figure.padEnd(wf)}  ${c.measured.padStart(wm)}  ${c.count}`);
  console.log('');
}

/** `to - from` for every job that has both. */
function diffs(jobs: JobMarks[], from: (j: JobMarks) => number | undefined, to: (j: JobMarks) => number | undefined): number[] {
  return jobs.flatMap((j) => {
    const [a, b] = [from(j), to(j)];
    return a === undefined || b === undefined ? [] : [b - a];
  });
}

function stageRows(jobs: JobMarks[]): Row[] {
  const names = [...new Set(jobs.flatMap((j) => j.stages.map((s) => s.name)))];
  const of = (name: string) => (j: JobMarks) => j.stages.find((s) => s.name === name);
  const part = (name: string, from: keyof StageMarks, to: keyof StageMarks) =>
    diffs(jobs, (j) => of(name)(j)?.[from] as number | undefined, (j) => of(name)(j)?.[to] as number | undefined);
  return names.flatMap((name) => ([
    { figure: `${name}: started → completed`, values: part(name, 'started', 'completed') },
    { figure: `  started → CLI's first line (container, CLI, MCP up)`, values: part(name, 'started', 'session') },
    { figure: `  first line → result line (the agent's turns)`, values: part(name, 'session', 'result') },
    { figure: `  result → completed (exit, removal, validation)`, values: part(name, 'result', 'completed') },
    { figure: `    result → validation passed (exit, removal, its container)`, values: part(name, 'result', 'validated') },
  ] satisfies Row[]).filter((row) => row.values.length > 0));
}

function gapRows(jobs: JobMarks[]): Row[] {
  const first = (j: JobMarks) => j.stages[0]?.started;
  const last = (j: JobMarks) => j.stages.at(-1)?.completed;
  const between = jobs.flatMap((j) =>
    j.stages.slice(1).flatMap((s, i) => {
      const previous = j.stages[i].completed;
      return previous === undefined ? [] : [s.started - previous];
    }),
  );
  return [
    { figure: 'claimed → first stage started (job folder, clone, secrets)', values: diffs(jobs, (j) => j.claimed, first) },
    { figure: 'stage completed → next stage started', values: between },
    { figure: 'last stage completed → PR opened (commit, push, PR API)', values: diffs(jobs, last, (j) => j.prOpened) },
    { figure: 'PR opened → job finished (status, ticket moved)', values: diffs(jobs, (j) => j.prOpened, (j) => j.finished) },
    { figure: "job finished → ticket in In Review on member B's board", values: diffs(jobs, (j) => j.finished, (j) => j.ticketDone) },
  ];
}

function pathRows(jobs: JobMarks[]): Row[] {
  const fromMove = (to: (j: JobMarks) => number | undefined) => diffs(jobs, (j) => j.moved, to);
  return [
    { figure: 'move → mutator confirmed by the server', values: fromMove((j) => j.moveCommitted) },
    { figure: 'move → job row created', values: fromMove((j) => j.jobCreated) },
    { figure: '  job created → offer on a runner socket', values: diffs(jobs, (j) => j.jobCreated, (j) => j.offered) },
    { figure: "  offer (the listener's copy) → claimed", values: diffs(jobs, (j) => j.offered, (j) => j.claimed) },
    { figure: "move → job in member B's live job list", values: fromMove((j) => j.jobVisible) },
    { figure: 'move → first event emitted (stage started)', values: fromMove((j) => j.firstEvent) },
    { figure: 'move → first agent event emitted by the supervisor', values: fromMove((j) => j.firstAgentEmitted) },
    { figure: '  emitted → stored in job_event (25 ms polls)', values: diffs(jobs, (j) => j.firstAgentEmitted, (j) => j.firstAgentStored) },
    { figure: "  emitted → in member B's live job feed", values: diffs(jobs, (j) => j.firstAgentEmitted, (j) => j.firstAgentVisible) },
    { figure: "move → first agent event in member B's live feed", values: fromMove((j) => j.firstAgentVisible) },
    { figure: 'move → PR opened', values: fromMove((j) => j.prOpened) },
    { figure: "move → ticket in In Review on member B's board", values: fromMove((j) => j.ticketDone) },
  ];
}

function floorRows(floor: FloorRun): Row[] {
  const of = (pick: (s: FloorSample) => number) => floor.samples.map(pick);
  return [
    { figure: '`true`: create → exit', values: of((s) => s.bare) },
    { figure: '`claude -p` stream-json: create → first line', values: of((s) => s.firstLine) },
    { figure: '  create → result line', values: of((s) => s.resultLine) },
    { figure: '  create → exit', values: of((s) => s.exited) },
    { figure: '  removing the container', values: of((s) => s.removed) },
    { figure: '`claude -p` + board tools MCP: create → first line', values: of((s) => s.mcpFirstLine) },
    { figure: '  create → exit', values: of((s) => s.mcpExited) },
  ];
}

const median = (values: number[]) => percentile(values, 50);
const signed = (value: number) => (value < 0 ? `−${fmt(-value)}` : `+${fmt(value)}`);

/**
 * Where a median job's time goes, and each stage beside the floor. The machine's load
 * swings within a run, so each job is compared with the floor samples taken right after it,
 * and the medians are of those paired differences.
 */
function printBreakdown(jobs: JobMarks[], floor: FloorRun | Error): void {
  const complete = jobs.filter((j) => j.ticketDone !== undefined && j.stages.every((s) => s.completed !== undefined && s.session !== undefined && s.result !== undefined));
  if (complete.length === 0) return;
  const stagesSum = (j: JobMarks, pick: (s: StageMarks) => number) => j.stages.reduce((total, s) => total + pick(s), 0);
  const sum = (pick: (s: StageMarks) => number) => median(complete.map((j) => stagesSum(j, pick)));
  const total = median(complete.map((j) => j.ticketDone! - j.moved));
  const outside = median(complete.map((j) => j.ticketDone! - j.moved - stagesSum(j, (s) => s.completed! - s.started)));
  console.log(`  Median job: ${fmt(total)} from the move to the ticket in In Review; outside the stages ${fmt(outside)} (median of the per-job remainders).`);
  console.log(
    `  Inside the stages (medians of the per-job sums): start-up to the CLI's first line ${fmt(sum((s) => s.session! - s.started))}, ` +
      `the agent's turns ${fmt(sum((s) => s.result! - s.session!))}, after the result ${fmt(sum((s) => s.completed! - s.result!))}.`,
  );
  const mcp = [...new Set(complete.flatMap((j) => j.stages.map((s) => s.mcp || 'none')))].join('; ');
  console.log(`  MCP servers as the CLI's first line reported them: ${mcp}.`);
  if (floor instanceof Error) return;
  const after = (j: JobMarks) => floor.samples.filter((s) => s.afterJob === j.jobId);
  const paired = complete.filter((j) => after(j).length > 0);
  if (paired.length === 0) return;
  console.log(`  Each stage minus the floor samples taken right after the same job (${paired.length} jobs; floor with the board tools MCP), medians:`);
  for (const name of [...new Set(paired.flatMap((j) => j.stages.map((s) => s.name)))]) {
    const pairs = paired.flatMap((j) => j.stages.filter((s) => s.name === name).map((s) => ({ s, f: after(j) })));
    const startup = median(pairs.map(({ s, f }) => s.session! - s.started - median(f.map((x) => x.mcpFirstLine))));
    const whole = median(pairs.map(({ s, f }) => s.completed! - s.started - median(f.map((x) => x.mcpExited))));
    console.log(`    ${name}: start-up (started → first line vs create → first line) ${signed(startup)}, whole stage (vs create → exit) ${signed(whole)}`);
  }
  const bareVsMcp = median(floor.samples.map((s) => s.mcpFirstLine - s.firstLine));
  const bareTrue = median(floor.samples.map((s) => s.firstLine - s.bare));
  console.log(`  In the floor itself: the board tools MCP server adds ${signed(bareVsMcp)} before the first line; the CLI's start adds ${signed(bareTrue)} over a container running \`true\`.`);
}

export function printJobReport(jobs: JobMarks[], floor: FloorRun | Error): void {
  const n = jobs.length;
  printRows(`From the ticket move (${n} jobs)`, pathRows(jobs), n);
  printRows('Stages (from the stage events)', stageRows(jobs), n);
  printRows('Outside the stages', gapRows(jobs), n);
  if (floor instanceof Error) console.log(`  Floor: failed: ${floor.message}\n`);
  else printRows(`Floor: a bare container from ${floor.image}, ${floor.samples.length} runs`, floorRows(floor), floor.samples.length);
  printBreakdown(jobs, floor);
}
