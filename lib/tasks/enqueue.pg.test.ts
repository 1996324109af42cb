// One-off tasks on the durable queue: a task enqueued in a transaction exists only if that
// transaction commits, runs once, and one that keeps failing is left failed after its attempts;
// a keyed task is added even when a worker takes the one waiting under its key meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as drizzleSql } from 'drizzle-orm';
import { connectDb } from '../db/client.ts';
import { poll } from '../../test/support/poll.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { enqueueTask, taskState } from './enqueue.ts';
import { startTaskQueue, type TaskQueue } from './queue.ts';

const suffix = Math.random().toString(36).slice(2, 8);
const recordTask = `test-record-${suffix}`;
const failTask = `test-fail-${suffix}`;
const received: unknown[] = [];
let queue: TaskQueue;
let database: ReturnType<typeof connectDb>;

beforeAll(async () => {
  database = connectDb(testStack().databaseUrl);
  queue = await startTaskQueue({
    connectionString: testStack().databaseUrl,
    periodic: [],
    tasks: [
      { identifier: recordTask, run: async (payload) => void received.push(payload) },
      { identifier: failTask, run: async () => { throw new Error('always fails'); } },
    ],
    log: () => {},
  });
});

afterAll(async () => {
  await queue.stop();
  await database.close();
});

describe('one-off tasks', () => {
  it('runs a task enqueued in a committed transaction once, and never one whose transaction rolled back', async () => {
    await database.db
      .transaction(async (tx) => {
        await enqueueTask(tx, recordTask, { which: 'rolled back' });
        throw new Error('roll back');
      })
      .catch(() => {});
    const id = await database.db.transaction((tx) => enqueueTask(tx, recordTask, { which: 'committed' }));
    await poll('the committed task ran', async () => (await taskState(database.db, id)) === 'done' && received.length > 0, 20_000, 100);
    expect(received).toEqual([{ which: 'committed' }]);
  });

  it('adds a keyed task when a worker takes the waiting one while the insert waits for its row', async () => {
    // No worker knows this task: the test takes it as a worker would, at the moment that matters.
    const unrun = `test-unrun-${suffix}`;
    const key = `test-race-${suffix}`;
    const taken = await enqueueTask(database.db, unrun, { n: 0 }, { jobKey: key });
    const waitingOnLock = (marker: string) =>
      poll(`${marker} waits for the row`, async () => {
        const { rows } = await database.db.execute<{ n: number }>(
          drizzleSql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ${`%${marker}%`} AND query NOT LIKE '%pg_stat_activity%'`,
        );
        return rows[0]!.n > 0;
      }, 20_000, 50);
    const [worker, other] = [connectDb(testStack().databaseUrl), connectDb(testStack().databaseUrl)];
    let commit = () => {};
    try {
      // A worker is taking the waiting task (its lock not committed yet)…
      const held = new Promise<void>((resolve) => (commit = resolve));
      let locking = () => {};
      const locked = new Promise<void>((resolve) => (locking = resolve));
      const taking = worker.db.transaction(async (tx) => {
        await tx.execute(drizzleSql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test worker' WHERE key = ${key}`);
        locking();
        await held;
      });
      await locked;
      // …while another transaction adds one under the key: it saw the task waiting, and its insert waits for the row.
      const adding = other.db.transaction((tx) => enqueueTask(tx, unrun, { n: 1 }, { jobKey: key }));
      await waitingOnLock('add_job');
      commit();
      await taking;
      const added = await adding;
      const { rows } = await database.db.execute<{ id: string; key: string | null; locked: boolean; payload: unknown }>(
        drizzleSql`SELECT j.id::text AS id, j.key, j.locked_at IS NOT NULL AS locked, j.payload FROM graphile_worker._private_jobs j
                   JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${unrun} ORDER BY j.id`,
      );
      // The taken one runs as it was; the added one is a new task under the key, waiting for a worker.
      expect(rows).toEqual([
        { id: taken, key: null, locked: true, payload: { n: 0 } },
        { id: added, key, locked: false, payload: { n: 1 } },
      ]);
    } finally {
      commit();
      await database.db.execute(drizzleSql`DELETE FROM graphile_worker._private_jobs WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${unrun})`);
      await Promise.all([worker.close(), other.close()]);
    }
  });

  it('leaves a task that fails on every attempt failed, and keeps it', async () => {
    const id = await enqueueTask(database.db, failTask, {}, { maxAttempts: 1 });
    await poll('the failing task used its attempt', async () => (await taskState(database.db, id)) === 'failed', 20_000, 100);
    const rows = await database.db.execute<{ last_error: string }>(drizzleSql`SELECT last_error FROM graphile_worker.jobs WHERE id = ${id}::bigint`);
    expect(rows.rows[0]?.last_error).toContain('always fails');
  });
});
