// `npm run bench:stream`: one job driven at 1,000 events per second for 60 seconds into the
// platform, through the runner events endpoint as a supervisor sends them (numbered batches, one
// in flight, with heartbeats), while two members watch its job page in headless Chromium. Prints
// p50/p95 from an event sent to the event rendered on each page, and each page's JavaScript heap
// at the end. Targets on this machine: p95 ≤ 500 ms; heap ≤ 300 MB with 60,000 events in the job.
// It measures and prints; it never fails on a figure.
// BENCH_STREAM_SECONDS=10 for a quick run; BENCH_STREAM_RATE changes the events per second.
import os from 'node:os';
import type { Page } from 'playwright-core';
import { connectDb } from '../lib/db/client.ts';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { sql } from '../test/support/db.ts';
import { joinOrg, newMember, type Member } from '../test/support/fixtures.ts';
import { createReadyJobs, registerRunner, runnerApi, type RunnerApi } from '../test/support/runners.ts';
import { startBenchStack } from './bench-stack.ts';
import { launchBrowser, signedInContext } from './browser.ts';
import { percentile } from './samples.ts';
import { describeReplication, replicatedWrites, watchFeedInNode } from './stream-probes.ts';
import { abortOnSignals, loadAverage, runBench, Teardown } from './teardown.ts';

const wholeNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number above 0, not "${process.env[name]}"`);
  return value;
};
const SECONDS = wholeNumber('BENCH_STREAM_SECONDS', 60);
const RATE = wholeNumber('BENCH_STREAM_RATE', 1000);
/** The supervisor's streamer sends what is due every so often, at most 500 events a batch (wire.ts). */
const BATCH_EVERY_MS = 50;
const MAX_BATCH = 500;

const teardown = new Teardown();
const { interrupt, abort: abortBench } = abortOnSignals(teardown);
const ms = (value: number) => `${Math.round(value)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

type BenchEvent = { seq: number; type: string; payload: Record<string, unknown>; at: number };

/**
 * What an agent streams: messages of ~20 text deltas (each message then whole as `text`),
 * every fourth followed by a tool call and its result of a few KB.
 */
function* agentEvents(): Generator<Omit<BenchEvent, 'seq' | 'at'>> {
  const stage = 'code';
  yield { type: 'stage', payload: { stage, name: 'Code', phase: 'started' } };
  for (let message = 1; ; message++) {
    const id = `m${message}`;
    const pieces = Array.from({ length: 20 }, (_, i) => `word${i} of message ${message}, `);
    for (const text of pieces) yield { type: 'text_delta', payload: { stage, message: id, text } };
    yield { type: 'text', payload: { stage, message: id, text: pieces.join('') } };
    if (message % 4 === 0) {
      yield { type: 'tool_call', payload: { stage, id: `tu${message}`, name: 'Bash', input: { command: `npm test -- part ${message}` } } };
      yield { type: 'tool_result', payload: { stage, toolUseId: `tu${message}`, content: `ok ${message}\n`.repeat(200 + (message % 5) * 100), isError: false } };
    }
  }
}

/** Records, in the page, when the feed's newest rendered event (data-latest-seq) changes. */
function installRecorder() {
  const marks: [number, number][] = [];
  (window as unknown as { __feedMarks: typeof marks }).__feedMarks = marks;
  let latest = 0;
  const look = () => {
    const feed = document.querySelector('[data-testid="job-feed"]');
    const seq = Number(feed?.getAttribute('data-latest-seq') ?? 0);
    if (seq > latest) {
      latest = seq;
      marks.push([seq, performance.timeOrigin + performance.now()]);
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-latest-seq'] });
}

/** The page's clock minus ours, from a round trip (both are the machine's clock; this removes what drift there is). */
async function clockOffset(page: Page): Promise<number> {
  const samples: { offset: number; rtt: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const sent = performance.timeOrigin + performance.now();
    const theirs = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = performance.timeOrigin + performance.now();
    samples.push({ offset: theirs - (sent + back) / 2, rtt: back - sent });
  }
  return samples.sort((a, b) => a.rtt - b.rtt)[0]!.offset;
}

async function heapOf(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** Sends the job's events as a supervisor would; returns each seq's send time (our clock). */
async function drive(api: RunnerApi, runnerId: string, jobId: string): Promise<{ sentAt: Float64Array; lastSeq: number; posts: number[]; seconds: number }> {
  const total = SECONDS * RATE + 1;
  const sentAt = new Float64Array(total + 1);
  const posts: number[] = [];
  const source = agentEvents();
  let seq = 0;
  const start = performance.now();
  while (seq < total) {
    interrupt.signal.throwIfAborted();
    const due = Math.min(total, 1 + Math.floor(((performance.now() - start) / 1000) * RATE));
    if (due <= seq) {
      await new Promise((resolve) => setTimeout(resolve, BATCH_EVERY_MS));
      continue;
    }
    const batch: BenchEvent[] = [];
    while (seq < due && batch.length < MAX_BATCH) batch.push({ seq: ++seq, ...source.next().value!, at: Date.now() });
    const sent = performance.timeOrigin + performance.now();
    for (const event of batch) sentAt[event.seq] = sent;
    const res = await api.post(`jobs/${jobId}/events`, { runnerId, events: batch });
    if (res.status !== 200) throw new Error(`the events endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
    posts.push(performance.timeOrigin + performance.now() - sent);
    if (seq % (RATE * 10) < batch.length) console.log(`  … ${seq.toLocaleString('en')} events sent in ${((performance.now() - start) / 1000).toFixed(1)} s (load average ${loadAverage()})`);
  }
  const took = (performance.now() - start) / 1000;
  console.log(`  ✓ ${seq.toLocaleString('en')} events in ${took.toFixed(1)} s (${Math.round(seq / took)} per second)`);
  return { sentAt, lastSeq: seq, posts, seconds: took };
}

/** Each sent event's time to render: when the page first showed a newest seq at or past it. */
function latencies(marks: [number, number][], sentAt: Float64Array, lastSeq: number, offset: number): number[] {
  const out: number[] = [];
  let m = 0;
  for (let seq = 1; seq <= lastSeq; seq++) {
    while (m < marks.length && marks[m]![0] < seq) m++;
    if (m === marks.length) break;
    out.push(marks[m]![1] - offset - sentAt[seq]!);
  }
  return out;
}

const describe = (values: number[]) =>
  values.length === 0 ? 'no samples' : `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))} (${values.length.toLocaleString('en')} events)`;

async function main(): Promise<void> {
  console.log(`Stream bench: ${RATE.toLocaleString('en')} events per second for ${SECONDS} s, ${os.cpus().length} cores, load average ${loadAverage()}`);
  if (os.loadavg()[0] > os.cpus().length / 2) console.log('  ! The load average is above half the cores: other work pushes every figure up.');
  const stack = await startBenchStack({ name: 'bench-stream', dev: process.env.BENCH_STREAM_DEV === '1', preferredPort: 3650, preferredZeroPort: 5650, teardown, interrupt, abort: abortBench });

  Object.assign(process.env, stack.appEnv); // the runner token's hash key comes from the stack's secrets
  console.log('\n▶ An organization with a runner and a running job, watched by two members');
  const owner = await newMember('Stream Bench Owner');
  teardown.add("the owner's Zero client", () => owner.zero.close());
  const watcher: Member = await joinOrg(await newMember('Stream Bench Watcher'), owner, 'member');
  teardown.add("the watcher's Zero client", () => watcher.zero.close());
  const { db, close } = connectDb(stack.databaseUrl);
  teardown.add('the bench database pool', close);
  const { token } = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'Stream bench', createdBy: owner.userID });
  const api = runnerApi(stack.appUrl, token);
  const runnerId = await registerRunner(api, { name: 'stream-bench', poolSize: 1 });
  const [jobId] = await createReadyJobs(db, owner.orgID, 1, { type: 'streaming' });
  if ((await api.post('jobs/claim', { runnerId, jobId })).status !== 200) throw new Error('the runner could not claim the job');
  // From the claim on, as a supervisor does: a job whose runner goes quiet is failed (a dev server's first page load takes minutes).
  const heartbeat = setInterval(() => void api.post('heartbeat', { runnerId, activeJobIds: [jobId] }).catch(() => {}), 5_000);
  teardown.add("the runner's heartbeat", () => clearInterval(heartbeat));
  for (const status of ['preparing', 'executing', 'running']) {
    const res = await api.post(`jobs/${jobId}/status`, { runnerId, status });
    if (res.status !== 200) throw new Error(`reporting ${status} answered ${res.status}`);
  }

  const browser = await launchBrowser(teardown, 'two watchers');
  const pages: { name: string; page: Page; offset: number }[] = [];
  for (const member of [owner, watcher]) {
    const context = await signedInContext(browser, stack.appUrl, member);
    await context.addInitScript(installRecorder);
    const page = await context.newPage();
    await page.goto(`/${owner.orgSlug}/jobs/${jobId}`, { timeout: 180_000 });
    await page.getByTestId('job-view').waitFor({ timeout: 120_000 });
    await page.getByTestId('job-feed-empty').waitFor({ timeout: 60_000 });
    pages.push({ name: member === owner ? 'page A (owner)' : 'page B (member)', page, offset: await clockOffset(page) });
  }
  console.log(`  ✓ both pages show the job (clock offsets ${pages.map((p) => ms(p.offset)).join(', ')})`);

  // The same live query in a Node client: what zero-cache delivers, apart from what a page renders.
  const node = watchFeedInNode(watcher.zero, owner.orgID, jobId);
  teardown.add("the Node client's feed query", node.stop);

  console.log(`\n▶ Streaming ${(SECONDS * RATE).toLocaleString('en')} events through the runner events endpoint`);
  const writesBefore = await replicatedWrites(stack.databaseUrl);
  const { sentAt, lastSeq, posts, seconds } = await drive(api, runnerId, jobId);
  const caughtUp = performance.now();
  while ((node.marks.at(-1)?.[0] ?? 0) < lastSeq) {
    if (performance.now() - caughtUp > 120_000) throw new Error(`the Node client's feed query did not reach event ${lastSeq} within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`  ✓ the Node client's feed query shows event ${lastSeq.toLocaleString('en')} ${ms(performance.now() - caughtUp)} after it was sent`);
  for (const { page } of pages) {
    await page.waitForFunction((seq) => Number(document.querySelector('[data-testid="job-feed"]')?.getAttribute('data-latest-seq')) >= seq, lastSeq, { timeout: 120_000, polling: 100 });
  }
  console.log(`  ✓ both pages show event ${lastSeq.toLocaleString('en')} ${ms(performance.now() - caughtUp)} after it was sent`);

  const stored = (await sql<{ n: string }>(stack.databaseUrl, 'SELECT count(*) AS n FROM job_event WHERE job_id = $1', [jobId]))[0]!.n;
  console.log(`\nResults (${Number(stored).toLocaleString('en')} rows stored for the job's ${lastSeq.toLocaleString('en')} events; load average ${loadAverage()} at the end, ${os.cpus().length} cores)`);
  console.log(`  events endpoint, one batch: ${describe(posts)}`);
  for (const line of describeReplication(writesBefore, await replicatedWrites(stack.databaseUrl), seconds)) console.log(`  ${line}`);
  console.log(`  Node Zero client: sent → zero-cache delivered ${describe(latencies(node.marks, sentAt, lastSeq, 0))}; ${node.marks.length.toLocaleString('en')} updates`);
  const all: number[] = [];
  for (const { name, page, offset } of pages) {
    const marks = await page.evaluate(() => (window as unknown as { __feedMarks: [number, number][] }).__feedMarks);
    const values = latencies(marks, sentAt, lastSeq, offset);
    all.push(...values);
    const rows = await page.getByTestId('feed-item').count();
    console.log(`  ${name}: sent → rendered ${describe(values)}; ${marks.length.toLocaleString('en')} renders; ${rows} rows in the DOM; JS heap ${mb(await heapOf(page))} after GC`);
  }
  const p95 = percentile(all, 95);
  console.log(`  both pages: sent → rendered ${describe(all)}  (target p95 ≤ 500 ms: ${p95 <= 500 ? 'met' : 'missed'})`);
  console.log('  target heap ≤ 300 MB per page with 60,000 events in the job');
}

await runBench(main, teardown, interrupt);
