// The heartbeat sweep is a periodic task on the durable queue: with several platform instances
// on one PostgreSQL it runs once per period (one schedule, one run at a time), and it goes on
// when an instance is killed. Instances: the test stack's own and two of this test's.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { poll } from '../../test/support/poll.ts';
import { testAppEnv, testStack } from '../../test/support/stack-env.ts';
import { startAppServer, type AppServerHandle } from '../../stack/app-server.ts';
import { findFreePort } from '../../stack/ports.ts';

/** This test's instances sweep this often; the stack's instance every 5 s (the default). */
const periodMs = 400;
const instances: AppServerHandle[] = [];

async function startInstance(name: string): Promise<AppServerHandle> {
  const env = testAppEnv();
  return startAppServer({
    port: await findFreePort(name === 'sweep-a' ? 4100 : 4200),
    dataDir: path.join(testStack().dataDir ?? '.test-data', name),
    env: {
      ...env,
      SPEDY_HEARTBEAT_SWEEP_MS: String(periodMs),
      // Two Next dev servers cannot share an output folder.
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-${name}` } : {}),
    },
    timeoutMs: 150_000,
  });
}

beforeAll(async () => {
  instances.push(...(await Promise.all([startInstance('sweep-a'), startInstance('sweep-b')])));
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
});

type SweepJob = { id: string; run_at: Date; locked_at: Date | null };

/** The sweep's jobs that are waiting or running (a run that failed for good is no schedule). */
function sweepJobs(): Promise<SweepJob[]> {
  return sql<SweepJob>(
    testStack().databaseUrl,
    "SELECT id::text, run_at, locked_at FROM graphile_worker.jobs WHERE task_identifier = 'heartbeat-sweep' AND attempts < max_attempts ORDER BY id",
  );
}

/**
 * Watches the schedule until `runs` runs have passed: each run schedules its successor, so each
 * new waiting job is one run. Returns the successors' run times in order.
 */
async function watchRuns(runs: number): Promise<number[]> {
  const seen = new Map<string, number>();
  await poll(`${runs} runs of the sweep`, async () => {
    const jobs = await sweepJobs();
    const waiting = jobs.filter((j) => j.locked_at === null);
    // One schedule across all instances: never two waiting sweeps.
    expect(waiting.length).toBeLessThanOrEqual(1);
    for (const job of waiting) if (!seen.has(job.id)) seen.set(job.id, job.run_at.getTime());
    return seen.size > runs;
  }, 90_000, 50);
  return [...seen.values()];
}

describe('a periodic task on the durable queue', () => {
  it('runs once per period with three instances up, and goes on after one is killed', async () => {
    const before = await watchRuns(5);
    // Each run starts at or after its scheduled time and schedules the next one a period later:
    // two instances each running the sweep every period would put runs closer together.
    for (let i = 1; i < before.length; i++) expect(before[i]! - before[i - 1]!).toBeGreaterThanOrEqual(periodMs);

    const killed = instances.shift()!;
    process.kill(-killed.pid, 'SIGKILL');
    await killed.exited;

    const after = await watchRuns(5);
    for (let i = 1; i < after.length; i++) expect(after[i]! - after[i - 1]!).toBeGreaterThanOrEqual(periodMs);
  }, 240_000);
});
