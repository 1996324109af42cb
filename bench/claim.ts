// `npm run bench:claim`: the runner platform's job queue on a throwaway stack. Prints job
// dispatch latency (job created → runner told over its WebSocket, p50/p95) and claim
// throughput (50 runners racing over their sockets for 2,000 jobs), with the duplicate
// and lost counts. It measures and prints; it never fails on a missed target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDb } from '../lib/db/client.ts';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { startBenchStack } from './bench-stack.ts';
import { sql } from '../test/support/db.ts';
import { signUp } from '../test/support/accounts.ts';
import { createReadyJobs, openRunnerSocket, registerRunner, runnerApi, type RunnerSocket } from '../test/support/runners.ts';
import { collectSamples, describeRun, percentile } from './samples.ts';
import { abortOnSignals, loadAverage, runBench, Teardown } from './teardown.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';

type Row = { figure: string; measured: string; target: string; met: boolean };

function printTable(rows: readonly Row[]): void {
  const all = [{ figure: 'Figure', measured: 'Measured', target: 'Target' }, ...rows];
  const width = (key: 'figure' | 'measured' | 'target') => Math.max(...all.map((r) => r[key].length));
  const [wf, wm, wt] = [width('figure'), width('measured'), width('target')];
  const line = (r: Omit<Row, 'met'>, verdict: string) => `  ${r.figure.padEnd(wf)}  ${r.measured.padStart(wm)}  ${r.target.padEnd(wt)}  ${verdict}`;
  console.log(line(all[0], ''));
  console.log(`  ${'-'.repeat(wf + wm + wt + 12)}`);
  for (const r of rows) console.log(line(r, r.met ? 'met' : 'MISSED'));
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const seconds = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : 'n/a');

/** CPU time (clock ticks) of the machine and of the stack's process trees, from /proc (Linux). */
type CpuSample = { busy: number; total: number; groups: Record<string, number> };

function readCpu(roots: Record<string, number[]>): CpuSample {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const busy = total - fields[3] - fields[4]; // minus idle and iowait
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {} // exited meanwhile
  }
  // Each process counts once, for the tree it belongs to (the stack's services are children of this process).
  const owner = new Map<number, string>();
  for (const [group, pids] of Object.entries(roots)) for (const pid of pids) if (procs.has(pid)) owner.set(pid, group);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, proc] of procs) {
      const group = owner.get(proc.ppid);
      if (owner.has(pid) || !group || proc.ppid === process.pid) continue;
      owner.set(pid, group);
      grew = true;
    }
  }
  const groups: Record<string, number> = Object.fromEntries(Object.keys(roots).map((g) => [g, 0]));
  for (const [pid, group] of owner) groups[group] += procs.get(pid)?.ticks ?? 0;
  return { busy, total, groups };
}

/** The first process of each pid file the stack writes (`run/app.pid` …): the roots of its trees. */
function stackRoots(dataDir: string): Record<string, number[]> {
  const root = (file: string) => {
    try {
      const procs = JSON.parse(fs.readFileSync(path.join(dataDir, 'run', file), 'utf8')) as { pid: number }[];
      return procs.slice(0, 1).map((p) => p.pid);
    } catch {
      return [];
    }
  };
  return { 'app server': root('app.pid'), PostgreSQL: root('postgres.pid'), 'zero-cache': root('zero-cache.pid'), 'the 50 runners (this process)': [process.pid] };
}

function describeCpu(before: CpuSample, after: CpuSample, claims: number): string {
  const seconds = (ticks: number) => `${(ticks / 100).toFixed(2)} s`;
  const busy = after.busy - before.busy;
  const parts = Object.keys(after.groups).map((g) => [g, after.groups[g] - (before.groups[g] ?? 0)] as const);
  const ours = parts.reduce((sum, [, t]) => sum + t, 0);
  const perClaim = parts.map(([g, t]) => `${g} ${seconds(t)} (${((t * 10) / claims).toFixed(2)} ms/claim)`).join(', ');
  const msPerClaim = (ours * 10) / claims;
  return (
    `CPU during the race: ${((busy / (after.total - before.total)) * 100).toFixed(0)}% of ${os.cpus().length} cores busy; ` +
    `${perClaim}; everything else on the machine ${seconds(Math.max(0, busy - ours))}.\n` +
    `     All of the above together: ${msPerClaim.toFixed(2)} ms of CPU per claim, so about ` +
    `${Math.round((os.cpus().length * 1000) / msPerClaim).toLocaleString('en')} claims/s if they had every core to themselves (an estimate, not a measurement)`
  );
}

/** Waits until every logical replication slot (zero-cache's) has confirmed the WAL written so far. */
async function waitForReplication(databaseUrl: string, timeoutMs: number): Promise<boolean> {
  const [{ lsn }] = await sql<{ lsn: string }>(databaseUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ behind }] = await sql<{ behind: number }>(
      databaseUrl,
      "SELECT count(*)::int AS behind FROM pg_replication_slots WHERE slot_type = 'logical' AND (confirmed_flush_lsn IS NULL OR confirmed_flush_lsn < $1::pg_lsn)",
      [lsn],
    );
    if (behind === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

const DISPATCH_JOBS = 100;
const CLAIMERS = 50;
const CLAIM_JOBS = 2000;

const teardown = new Teardown();
const { interrupt, abort: abortBench } = abortOnSignals(teardown);


async function main(): Promise<void> {
  console.log(`Claim bench: ${CLAIMERS} runners, ${CLAIM_JOBS.toLocaleString('en')} jobs, ${os.cpus().length} cores, load average ${loadAverage()} at start`);
  // The runner socket and the claim path run in the custom server, outside Next, in either mode.
  const stack = await startBenchStack({ name: 'bench-claim', dev: true, preferredPort: 3450, preferredZeroPort: 5248, teardown, interrupt, abort: abortBench });
  // The platform functions used below (token hashing, job creation) read the app's configuration.
  Object.assign(process.env, stack.appEnv);
  const { db, close } = connectDb(stack.databaseUrl);
  teardown.add('the bench database pool', close);

  const sockets: RunnerSocket[] = [];
  teardown.add('the runner sockets', () => Promise.all(sockets.map((s) => s.close())));
  const newOrg = async (label: string) => {
    const account = await signUp(stack.appUrl, stack.databaseUrl, label);
    const { token } = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: account.orgID, name: label, createdBy: account.userID });
    return { account, token, api: runnerApi(stack.appUrl, token) };
  };
  const connect = async (appUrl: string, runnerId: string, token: string) => {
    const socket = await openRunnerSocket(appUrl, runnerId, token);
    sockets.push(socket);
    await socket.next('welcome', undefined, 30_000);
    return socket;
  };

  console.log(`\n▶ 1/2 Dispatch: job created → offer on the runner's socket (${DISPATCH_JOBS} jobs, one at a time)`);
  const dispatchOrg = await newOrg('Dispatch Bench');
  const listener = await registerRunner(dispatchOrg.api, { name: 'listener', poolSize: 8 });
  const socket = await connect(stack.appUrl, listener, dispatchOrg.token);
  const afterCommit: number[] = [];
  const dispatch = await collectSamples({ warmup: 10, count: DISPATCH_JOBS, timeLimitMs: 120_000, signal: interrupt.signal }, async (i) => {
    const started = performance.now();
    let committed = 0;
    const created = createReadyJobs(db, dispatchOrg.account.orgID).then(([id]) => {
      committed = performance.now();
      return id;
    });
    const jobId = await created;
    await socket.next('offer', (m) => m.jobId === jobId);
    const told = performance.now();
    if (i >= 10) afterCommit.push(Math.max(0, told - committed));
    // The runner does not claim: each job waits Ready, and the next sample starts from an idle queue.
    return told - started;
  });

  console.log(`▶ 2/2 Claims: ${CLAIMERS} runners race over their sockets for ${CLAIM_JOBS.toLocaleString('en')} Ready jobs`);
  const raceOrg = await newOrg('Claim Race Bench');
  const runnerIds = await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => registerRunner(raceOrg.api, { name: `racer-${i}`, poolSize: 64 })));
  let t = performance.now();
  for (let done = 0; done < CLAIM_JOBS; done += 500) await createReadyJobs(db, raceOrg.account.orgID, Math.min(500, CLAIM_JOBS - done));
  console.log(`  ✓ ${CLAIM_JOBS.toLocaleString('en')} jobs created in ${seconds(performance.now() - t)}`);
  const racers = await Promise.all(runnerIds.map((id) => connect(stack.appUrl, id, raceOrg.token)));
  // Each racer is first offered what waits (up to its pool size), and zero-cache replicates the 2,000
  // new jobs: let both settle, so the clock measures the claims (and their own replication) only.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const caughtUp = await waitForReplication(stack.databaseUrl, 30_000);
  if (!caughtUp) console.log('  ! zero-cache had not caught up with the new jobs after 30 s; starting anyway');

  const roots = stackRoots(stack.dataDir);
  const cpuBefore = readCpu(roots);
  t = performance.now();
  const claimed = await Promise.all(
    racers.map(async (racer, r) => {
      const mine: string[] = [];
      for (let n = 0; ; n++) {
        const requestId = `${r}-${n}`;
        racer.send({ type: 'claim', requestId });
        const answer = await racer.answer(requestId, 30_000);
        if (answer.type !== 'claimed') throw new Error(`claim refused: ${JSON.stringify(answer)}`);
        if (!answer.job) return mine;
        mine.push(answer.job.id);
      }
    }),
  );
  const raceMs = performance.now() - t;
  const cpuAfter = readCpu(roots);
  const all = claimed.flat();
  const unique = new Set(all);
  const [{ ready }] = await sql<{ ready: number }>(stack.databaseUrl, "SELECT count(*)::int AS ready FROM job WHERE organization_id = $1 AND status = 'ready'", [
    raceOrg.account.orgID,
  ]);
  const claimsPerSecond = (all.length / raceMs) * 1000;
  const duplicates = all.length - unique.size;
  const lost = CLAIM_JOBS - unique.size;

  const p50 = percentile(dispatch.samples, 50);
  const p95 = percentile(dispatch.samples, 95);
  console.log(`\nResults (load average ${loadAverage()} at the end; other work on the machine skews them)\n`);
  printTable([
    { figure: 'Dispatch: job created → runner told (WebSocket), p50 / p95', measured: `${ms(p50)} / ${ms(p95)}`, target: 'p95 ≤ 250 ms', met: p95 <= 250 },
    { figure: `Claims per second, ${CLAIMERS} racing runners`, measured: `${Math.round(claimsPerSecond).toLocaleString('en')}/s`, target: '≥ 1,000/s', met: claimsPerSecond >= 1000 },
    { figure: 'Jobs claimed twice', measured: String(duplicates), target: '0', met: duplicates === 0 },
    { figure: 'Jobs lost (never claimed)', measured: `${lost} (${ready} still Ready)`, target: '0', met: lost === 0 && ready === 0 },
  ]);
  console.log('\nDetails');
  console.log(`  1. ${describeRun(dispatch)}; commit → offer alone: p50 ${ms(percentile(afterCommit, 50))}, p95 ${ms(percentile(afterCommit, 95))}`);
  const perRunner = claimed.map((c) => c.length);
  console.log(
    `  2. ${all.length.toLocaleString('en')} claims in ${seconds(raceMs)}; per runner min ${Math.min(...perRunner)}, max ${Math.max(...perRunner)}; ` +
      `each claim: token re-check, runner lock, capacity count, FOR UPDATE SKIP LOCKED update; the claims that arrive while one batch runs are decided together, one call of spedy_claim_jobs and one commit per batch`,
  );
  console.log(`     ${describeCpu(cpuBefore, cpuAfter, all.length)}`);
}

await runBench(main, teardown, interrupt);
