// One-off tasks on the durable queue: a task enqueued in a transaction exists only if that
// transaction commits, runs once, and one that keeps failing is left failed after its attempts.
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

  it('leaves a task that fails on every attempt failed, and keeps it', async () => {
    const id = await enqueueTask(database.db, failTask, {}, { maxAttempts: 1 });
    await poll('the failing task used its attempt', async () => (await taskState(database.db, id)) === 'failed', 20_000, 100);
    const rows = await database.db.execute<{ last_error: string }>(drizzleSql`SELECT last_error FROM graphile_worker.jobs WHERE id = ${id}::bigint`);
    expect(rows.rows[0]?.last_error).toContain('always fails');
  });
});
