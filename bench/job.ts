// `npm run bench:job`: how long a ticket takes to become a streaming job and a pull
// request, and where the time goes. On a throwaway stack with the demo runner (its own
// Docker engine, the runner image, the real Claude Code CLI against the scripted model),
// a member moves tickets into AI Processing one after the other; each job is followed to
// the ticket in In Review as a second member's live queries see it. Between the jobs, the
// floor: a bare container from the same image running `claude -p` against the same model.
// It measures and prints; it never fails on a figure.
// Flags: --jobs N (default 5), --warmup N (default 1), --floor-runs N (floor samples after each job, default 1).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { StageSnapshot } from '@spedy/protocol/wire';
import { connectDb } from '../lib/db/client.ts';
import { issueRunnerToken } from '../lib/runners/tokens.ts';
import { startDemoRunner, type DemoRunner } from '../stack/demo-runner.ts';
import { createProject, joinOrg, newMember, openBoard } from '../test/support/fixtures.ts';
import { openRunnerSocket, registerRunner, runnerApi } from '../test/support/runners.ts';
import { startBenchStack } from './bench-stack.ts';
import { prepareFloor, type Floor, type FloorRun } from './job-floor.ts';
import { printJobReport } from './job-report.ts';
import { measureJob, recordOffers, type JobMarks } from './job-watch.ts';
import { abortOnSignals, loadAverage, runBench, Teardown } from './teardown.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';

const { values: flags } = parseArgs({
  options: { jobs: { type: 'string', default: '5' }, warmup: { type: 'string', default: '1' }, 'floor-runs': { type: 'string', default: '1' } },
});
const count = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not "${value}"`);
  return n;
};
const JOBS = Math.max(1, count('jobs', flags.jobs));
const WARMUP = count('warmup', flags.warmup);
const FLOOR_RUNS = Math.max(1, count('floor-runs', flags['floor-runs']));
const PROJECT_KEY = 'JOB';

const teardown = new Teardown();
const { interrupt, abort: abortBench } = abortOnSignals(teardown);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeJob(marks: JobMarks): string {
  const stages = marks.stages.map((s) => `${s.name} ${s.completed === undefined ? '?' : seconds(s.completed - s.started)}`).join(', ');
  const end = marks.ticketDone ?? marks.finished;
  const reason = marks.statusReason ? ` (${marks.statusReason.split('\n')[0].slice(0, 120)})` : '';
  return `${marks.status}${reason} in ${end === undefined ? '?' : seconds(end - marks.moved)}; ${stages}`;
}

/** The floor with the command line of the job's first writing stage (the same team's pipeline). */
async function prepareFloorFor(pool: pg.Pool, jobId: string, runner: DemoRunner, workDir: string): Promise<Floor> {
  const { rows } = await pool.query<{ snapshot: { pipeline: { steps: { stages: StageSnapshot[] }[] } } }>('SELECT snapshot FROM secure.job_snapshot WHERE job_id = $1', [jobId]);
  const stages = rows[0].snapshot.pipeline.steps.flatMap((s) => s.stages);
  const stage = stages.find((s) => s.role === 'executor') ?? stages[0];
  return prepareFloor({ dockerSocket: runner.dockerSocket, modelUrl: runner.model.url, stage, prompt: 'Add a greeting script', workDir, signal: interrupt.signal });
}

async function main(): Promise<void> {
  console.log(`Job bench: ${JOBS} jobs after ${WARMUP} warm-up, ${os.cpus().length} cores, load average ${loadAverage()} at start`);
  if (os.loadavg()[0] > os.cpus().length / 2) console.log('  ! The load average is above half the cores: other work pushes every figure up.');
  // Development mode: the warm-up job pays for compiling the routes a job uses.
  const stack = await startBenchStack({ name: 'bench-job', dev: true, preferredPort: 3350, preferredZeroPort: 5350, teardown, interrupt, abort: abortBench });
  Object.assign(process.env, stack.appEnv);
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  teardown.add('the bench database pool', () => pool.end());

  console.log('\n▶ A fresh organization: an owner with a project, two members (A moves tickets, B watches)');
  const owner = await newMember('Job Bench Owner');
  teardown.add("the owner's Zero client", () => owner.zero.close());
  const project = await createProject(owner, PROJECT_KEY);
  const mover = await joinOrg(await newMember('Job Bench Member A'), owner, 'member');
  teardown.add("member A's Zero client", () => mover.zero.close());
  const watcher = await joinOrg(await newMember('Job Bench Member B'), owner, 'member');
  teardown.add("member B's Zero client", () => watcher.zero.close());
  await openBoard(mover, project);
  await owner.zero.close(); // the owner's part is done; two clients are what a ticket and a watcher need

  console.log('▶ Starting the demo runner for it (Docker engine, scripted model, git remote, supervisor)');
  const started = performance.now();
  const runner = await startDemoRunner({
    dataDir: path.join(stack.dataDir, 'runner'),
    appUrl: stack.appUrl,
    databaseUrl: stack.databaseUrl,
    appEnv: stack.appEnv,
    target: { orgSlug: owner.orgSlug, projectKey: PROJECT_KEY },
    log: (line) => console.log(`  ${line}`),
  });
  if (!runner) throw new Error('the demo runner did not start (see the line above)');
  teardown.add('the demo runner and its Docker engine', () => runner.stop());
  console.log(`  ✓ started in ${seconds(performance.now() - started)}; supervisor log: ${runner.supervisorLog}`);

  // A second runner of the organization that never claims: the platform offers it each job
  // as it offers the supervisor, so its socket tells when the offer went out.
  const { db, close } = connectDb(stack.databaseUrl);
  teardown.add('the listener database pool', close);
  const { token } = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'Job bench offer listener', createdBy: owner.userID });
  const listenerId = await registerRunner(runnerApi(stack.appUrl, token), { name: 'offer-listener', capabilities: ['claude_code'], labels: ['demo'], poolSize: 1 });
  const listener = await openRunnerSocket(stack.appUrl, listenerId, token);
  teardown.add('the offer listener', () => listener.close());
  await listener.next('welcome', undefined, 30_000);
  const offers = recordOffers(listener);
  const heartbeat = setInterval(() => listener.send({ type: 'heartbeat', activeJobIds: [] }), 10_000);
  teardown.add("the listener's heartbeat", () => clearInterval(heartbeat));

  // The floor runs between the jobs, so both see the same load on the machine.
  let floor: Floor | Error | undefined;
  const floorRun: FloorRun = { image: '', samples: [] };
  const floorStep = async (jobId: string, measured: boolean) => {
    try {
      if (!floor) {
        const prepared = await prepareFloorFor(pool, jobId, runner, stack.dataDir);
        teardown.add("the floor's board tools server", () => prepared.close());
        floor = prepared;
        floorRun.image = floor.image;
        await floor.sample(); // unmeasured: the first touch of the image's files
      }
      if (floor instanceof Error) return;
      for (let n = 0; measured && n < FLOOR_RUNS; n++) floorRun.samples.push({ ...(await floor.sample()), afterJob: jobId });
    } catch (error) {
      interrupt.signal.throwIfAborted();
      floor = error instanceof Error ? error : new Error(String(error));
      console.error(`  ✗ floor: ${floor.message}`);
    }
  };

  const jobs: JobMarks[] = [];
  const loads: number[] = [];
  for (let i = 0; i < WARMUP + JOBS; i++) {
    const warm = i < WARMUP;
    const label = warm ? `warm-up ${i + 1}/${WARMUP} (builds the runner image, compiles the routes)` : `job ${i - WARMUP + 1}/${JOBS}`;
    console.log(`\n▶ ${label} (load average ${loadAverage()})`);
    try {
      const marks = await measureJob({
        mover,
        watcher,
        project,
        pool,
        offers,
        title: `Add a greeting script ${i + 1}`,
        timeoutMs: warm ? 15 * 60_000 : 5 * 60_000,
        signal: interrupt.signal,
      });
      console.log(`  ${describeJob(marks)}`);
      if (!warm && marks.status === 'completed') jobs.push(marks);
      if (!warm) loads.push(os.loadavg()[0]);
      await floorStep(marks.jobId, !warm);
    } catch (error) {
      interrupt.signal.throwIfAborted();
      console.error(`  ✗ ${(error as Error).message}`);
    }
  }
  if (jobs.length === 0) throw new Error(`no job completed; the supervisor's log: ${runner.supervisorLog}`);

  const meanLoad = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
  console.log(
    `\nResults (load average ${loadAverage()} at the end, 1-minute load ${meanLoad.toFixed(2)} on average after the jobs, ${os.cpus().length} cores; ` +
      `other work on the machine raises every figure)\n`,
  );
  printJobReport(jobs, floor instanceof Error ? floor : floorRun);
}

await runBench(main, teardown, interrupt);
