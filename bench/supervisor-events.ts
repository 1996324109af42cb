// Events from one job to the database, through the supervisor's own streamer, platform client
// and runner socket (production settings: 200-event batches, 200 ms window) into the running
// app, which stores them in job_event. "Stored" is the commit: a statement trigger, installed
// on the bench's database only, sends a NOTIFY with the batch's highest seq, and PostgreSQL
// delivers it to this process when the inserting transaction commits.
import pg from 'pg';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { createPlatformHttp } from '../supervisor/api/http.ts';
import { createPlatform, type Platform } from '../supervisor/api/platform.ts';
import { connectRunnerSocket } from '../supervisor/api/socket.ts';
import { createJobStreamer, type JobStreamer } from '../supervisor/streamer/streamer.ts';
import { signUp } from '../test/support/accounts.ts';
import { sql } from '../test/support/db.ts';
import { createReadyJobs, registerRunner, runnerApi } from '../test/support/runners.ts';
import { collectSamples, describeRun, percentile } from './samples.ts';
import type { SupervisorBenchContext, SupervisorBenchSection } from './supervisor-section.ts';

const BURST_EVENTS = 10_000;
const IDLE_SAMPLES = 50;
/** Longer than the streamer's 200 ms window, so each idle event follows a quiet moment. */
const IDLE_GAP_MS = 300;
const channel = 'bench_event_stored';

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

/** An agent's text event of a typical size (about 300 bytes stored). */
const textEvent = (n: number) => ({ type: 'text', payload: { stage: 'code', n, text: `Line ${n}: ${'the agent explains what it changes and why. '.repeat(5)}` } });

/** When each (job, seq) was committed, as the trigger's notifications tell it. */
async function watchStored(ctx: SupervisorBenchContext) {
  await sql(
    ctx.stack.databaseUrl,
    `CREATE OR REPLACE FUNCTION bench_notify_event_stored() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('${channel}', job_id || ' ' || max(seq)) FROM stored GROUP BY job_id;
       RETURN NULL;
     END $$;
     CREATE OR REPLACE TRIGGER bench_event_stored AFTER INSERT ON job_event
       REFERENCING NEW TABLE AS stored FOR EACH STATEMENT EXECUTE FUNCTION bench_notify_event_stored();`,
  );
  const listener = new pg.Client({ connectionString: ctx.stack.databaseUrl });
  await listener.connect();
  ctx.teardown.add('the stored-event listener', () => listener.end());
  const highest = new Map<string, number>();
  const waiters = new Set<{ jobId: string; seq: number; resolve: (at: number) => void }>();
  listener.on('notification', (message) => {
    const at = performance.now();
    const [jobId, seq] = (message.payload ?? '').split(' ');
    highest.set(jobId, Math.max(highest.get(jobId) ?? 0, Number(seq)));
    for (const w of [...waiters]) {
      if (w.jobId === jobId && w.seq <= Number(seq)) {
        waiters.delete(w);
        w.resolve(at);
      }
    }
  });
  await listener.query(`LISTEN ${channel}`);
  return {
    /** Resolves with performance.now() when `seq` of the job is committed. */
    stored(jobId: string, seq: number, timeoutMs = 30_000): Promise<number> {
      if ((highest.get(jobId) ?? 0) >= seq) return Promise.resolve(performance.now());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`event ${seq} of job ${jobId} was not stored within ${timeoutMs} ms`)), timeoutMs);
        waiters.add({ jobId, seq, resolve: (at) => (clearTimeout(timer), resolve(at)) });
      });
    },
  };
}

/** A runner of a fresh organization, connected the way the supervisor connects (socket, HTTP fallback). */
async function connectRunner(ctx: SupervisorBenchContext): Promise<{ platform: Platform; orgId: string }> {
  const { stack, db } = ctx;
  const account = await signUp(stack.appUrl, stack.databaseUrl, 'Supervisor Events Bench');
  const { token } = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: account.orgID, name: 'supervisor events bench', createdBy: account.userID });
  const runnerId = await registerRunner(runnerApi(stack.appUrl, token), { name: 'events-bench', poolSize: 4 });
  const apiUrl = `${stack.appUrl}/api/v1`;
  const log = { info: () => undefined, debug: () => undefined, warn: (obj: object, msg: string) => console.warn(`  ! socket: ${msg} ${JSON.stringify(obj)}`) };
  const socket = connectRunnerSocket({ apiUrl, token, runnerId, log, onTokenRefused: (reason) => console.error(`  ! the platform refused the runner token: ${reason}`) });
  ctx.teardown.add("the bench runner's socket", () => socket.close());
  await new Promise<void>((resolve) => {
    const off = socket.onWelcome(() => (off(), resolve()));
  });
  return { platform: createPlatform({ http: createPlatformHttp({ apiUrl, token }), socket, runnerId }), orgId: account.orgID };
}

/** Claims a Ready job of the organization and opens its streamer, counting the batches it sends. */
async function openJob(ctx: SupervisorBenchContext, platform: Platform, orgId: string) {
  const [jobId] = await createReadyJobs(ctx.db, orgId);
  const job = await platform.claim(jobId);
  if (!job) throw new Error(`the bench runner could not claim job ${jobId}`);
  await platform.reportStatus(job.id, 'preparing');
  const batches: number[] = [];
  const streamer = createJobStreamer({
    jobId: job.id,
    lastSeq: job.lastEventSeq,
    send: (events, signal) => (batches.push(events.length), platform.sendEvents(job.id, events, signal)),
    mask: (text) => text,
    log: { warn: (obj, msg) => console.warn(`  ! streamer: ${msg} ${JSON.stringify(obj)}`), error: (obj, msg) => console.error(`  ! streamer: ${msg} ${JSON.stringify(obj)}`) },
  });
  ctx.teardown.add(`the streamer of job ${job.id}`, () => streamer.close());
  return { jobId: job.id, firstSeq: job.lastEventSeq + 1, streamer, batches };
}

/** Everything pushed is in job_event, once, in the order it was pushed. */
async function checkStoredInOrder(ctx: SupervisorBenchContext, jobId: string, firstSeq: number, count: number): Promise<string | null> {
  const [row] = await sql<{ n: number; misplaced: number }>(
    ctx.stack.databaseUrl,
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE (payload->>'n')::int <> seq - $2 + 1)::int AS misplaced
     FROM job_event WHERE job_id = $1 AND seq >= $2 AND seq < $2 + $3`,
    [jobId, firstSeq, count],
  );
  if (row.n !== count) return `${row.n} of ${count} events stored`;
  if (row.misplaced > 0) return `${row.misplaced} events stored under another event's seq`;
  return null;
}

function pushBurst(streamer: JobStreamer, count: number): void {
  for (let n = 1; n <= count; n++) streamer.push(textEvent(n));
}

export const eventsSection: SupervisorBenchSection = {
  title: `Events: one job → job_event (a burst of ${BURST_EVENTS.toLocaleString('en')}, then ${IDLE_SAMPLES} single events after ${IDLE_GAP_MS} ms of quiet)`,
  figures: [
    { figure: 'Events stored per second, one job', target: '≥ 1,000/s' },
    { figure: 'Idle: event emitted → stored, p50 / p95', target: '≤ 50 ms' },
  ],

  async run(ctx) {
    const watch = await watchStored(ctx);
    const { platform, orgId } = await connectRunner(ctx);

    // Throughput: the agent's output arrives faster than it can be stored, as in a burst of tool output.
    const warm = await openJob(ctx, platform, orgId);
    pushBurst(warm.streamer, 1_000); // unmeasured: JIT, connections, the route's first use
    await watch.stored(warm.jobId, warm.firstSeq + 999);
    const burst = await openJob(ctx, platform, orgId);
    const started = performance.now();
    pushBurst(burst.streamer, BURST_EVENTS);
    const done = await watch.stored(burst.jobId, burst.firstSeq + BURST_EVENTS - 1, 120_000);
    const burstMs = done - started;
    const perSecond = (BURST_EVENTS / burstMs) * 1000;
    const burstProblem = await checkStoredInOrder(ctx, burst.jobId, burst.firstSeq, BURST_EVENTS);

    // Latency when idle: each event follows a quiet moment, so it is the streamer's leading edge.
    const idle = await openJob(ctx, platform, orgId);
    const acked: number[] = [];
    let seq = idle.firstSeq - 1;
    const latency = await collectSamples({ warmup: 5, count: IDLE_SAMPLES, timeLimitMs: 120_000, signal: ctx.signal }, async (i) => {
      await sleep(IDLE_GAP_MS);
      seq++;
      const emitted = performance.now();
      idle.streamer.push(textEvent(seq - idle.firstSeq + 1));
      const stored = await watch.stored(idle.jobId, seq);
      if (!(await idle.streamer.flush(10_000))) throw new Error('an idle event was not acknowledged within 10 s');
      if (i >= 5) acked.push(performance.now() - emitted);
      return stored - emitted;
    });
    const idleProblem = await checkStoredInOrder(ctx, idle.jobId, idle.firstSeq, seq - idle.firstSeq + 1);

    const [p50, p95] = [percentile(latency.samples, 50), percentile(latency.samples, 95)];
    const meanBatch = BURST_EVENTS / Math.max(1, burst.batches.length);
    return {
      rows: [
        {
          figure: 'Events stored per second, one job',
          measured: `${Math.round(perSecond).toLocaleString('en')}/s`,
          target: '≥ 1,000/s',
          met: burstProblem ? false : perSecond >= 1000,
        },
        { figure: 'Idle: event emitted → stored, p50 / p95', measured: `${ms(p50)} / ${ms(p95)}`, target: '≤ 50 ms', met: idleProblem ? false : p95 <= 50 },
      ],
      details: [
        `burst: ${BURST_EVENTS.toLocaleString('en')} events pushed at once, the last committed after ${ms(burstMs)}; ` +
          `${burst.batches.length} batches (mean ${meanBatch.toFixed(0)} events, one in flight at a time)${burstProblem ? `; ✗ ${burstProblem}` : '; all stored once, in order'}`,
        `idle: ${describeRun(latency)}; emitted → acknowledged to the streamer p50 ${ms(percentile(acked, 50))}, p95 ${ms(percentile(acked, 95))}; ` +
          `${idle.batches.length} batches for ${seq - idle.firstSeq + 1} events${idleProblem ? `; ✗ ${idleProblem}` : ''}`,
        '"stored" is the commit of the batch\'s transaction (a NOTIFY from a bench-only trigger on job_event, delivered on loopback)',
      ],
    };
  },
};
