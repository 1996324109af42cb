// Enqueueing a one-off task (lib/tasks/queue.ts) inside the caller's transaction: the task exists
// exactly when the change that asks for it commits, and graphile-worker's insert trigger wakes a
// worker at once (LISTEN/NOTIFY), on whichever instance is free.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';

export type EnqueueOptions = {
  /** At most one waiting task per key: enqueueing again replaces it (graphile-worker's job key). */
  jobKey?: string;
  runAt?: Date;
  /** Attempts before the task is left failed (graphile-worker's default is 25). */
  maxAttempts?: number;
};

/** Adds a task run by the worker whose identifier matches; returns graphile-worker's job id. */
export async function enqueueTask(db: DbOrTx, identifier: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<string> {
  // add_job first takes the key off a task a worker has taken, then inserts under the key, replacing
  // only a task still waiting. A worker that takes the waiting task in between (the insert waited for
  // its row) leaves add_job with nothing: adding again takes the key off it and inserts anew.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await db.execute<{ id: string }>(sql`
      SELECT id::text AS id FROM graphile_worker.add_job(
        ${identifier},
        ${JSON.stringify(payload)}::json,
        run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
        max_attempts => ${options.maxAttempts ?? null}::int,
        job_key => ${options.jobKey ?? null}::text
      )`);
    const id = result.rows[0]?.id;
    if (id) return id;
  }
  throw new Error(`graphile-worker did not add the task ${identifier}`);
}

export type TaskState = 'waiting' | 'running' | 'failed' | 'done';

/**
 * Where an enqueued task stands. graphile-worker deletes a task once it succeeds, so a task it no
 * longer holds is done; one that used all its attempts is failed for good.
 */
export async function taskState(db: DbOrTx, jobId: string): Promise<TaskState> {
  const result = await db.execute<{ attempts: number; max_attempts: number; locked_at: string | null }>(sql`
    SELECT attempts, max_attempts, locked_at FROM graphile_worker.jobs WHERE id = ${jobId}::bigint`);
  const row = result.rows[0];
  if (!row) return 'done';
  if (row.locked_at) return 'running';
  return row.attempts >= row.max_attempts ? 'failed' : 'waiting';
}

/** Which attempt of an enqueued task this is (graphile-worker counts it up as a worker takes the task); null once it is done. */
export async function taskAttempts(db: DbOrTx, jobId: string): Promise<{ attempt: number; maxAttempts: number } | null> {
  const result = await db.execute<{ attempts: number; max_attempts: number }>(sql`
    SELECT attempts, max_attempts FROM graphile_worker.jobs WHERE id = ${jobId}::bigint`);
  const row = result.rows[0];
  return row ? { attempt: row.attempts, maxAttempts: row.max_attempts } : null;
}
