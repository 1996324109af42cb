// The durable task queue: graphile-worker on our PostgreSQL, running in-process beside the app.
// Every instance runs a worker; a job is locked by one worker at a time, so work scheduled once
// runs once however many instances run. Its tables live in the schema `graphile_worker`, which
// zero-cache does not replicate (Zero publishes the schema `public` only).
//
// Periodic tasks reschedule themselves under a job key: graphile-worker keeps at most one
// unlocked job per key, so the schedule exists once across instances and survives restarts.
// (Its cron runs once a minute at best; our periods are seconds.) A minutely cron item, itself
// de-duplicated across instances, re-adds any schedule that was lost: a job locked by an
// instance killed between taking it and scheduling its successor stays locked for hours.
import { Logger, parseCronItems, run, type JobHelpers, type Runner, type Task, type TaskList } from 'graphile-worker';
import { z } from 'zod';
import { toError } from '@spedy/protocol/errors';

export type PeriodicTask = {
  /** The task's name and its job key. */
  identifier: string;
  periodMs: number;
  run: () => Promise<void>;
};

/**
 * A task run once per enqueue (lib/tasks/enqueue.ts), retried with graphile-worker's backoff when
 * it throws, and locked by one instance at a time. Its payload is what was enqueued: parse it.
 */
export type OneOffTask = {
  identifier: string;
  run: (payload: unknown) => Promise<void>;
};

export type TaskQueue = {
  /** graphile-worker's typed lifecycle events (`job:success`, `job:error`, …). */
  events: Runner['events'];
  stop(): Promise<void>;
};

const maxBackoffMs = 600_000;

/** How long a periodic task waits after `failures` failed runs in a row: its period doubled per failure. */
export function periodicDelayMs(periodMs: number, failures: number): number {
  return failures === 0 ? periodMs : Math.min(periodMs * 2 ** failures, Math.max(periodMs, maxBackoffMs));
}

const periodicPayload = z.object({ failures: z.number().int().min(0) }).catch({ failures: 0 });

function periodicJob(task: PeriodicTask): Task {
  return async (payload, helpers) => {
    const { failures } = periodicPayload.parse(payload);
    const scheduleNext = (next: number) =>
      helpers.addJob(task.identifier, { failures: next }, {
        jobKey: task.identifier,
        jobKeyMode: 'replace',
        runAt: new Date(Date.now() + periodicDelayMs(task.periodMs, next)),
      });
    // The successor is committed before the work starts, so an instance killed mid-run cannot end
    // the schedule. Adding under the key of a running (locked) job takes the key off it and gives
    // up its retries: the successor is the retry, later after each failure in a row.
    await scheduleNext(0);
    try {
      await task.run();
    } catch (error) {
      await scheduleNext(failures + 1);
      throw toError(error);
    }
  };
}

const ensureSchedules = 'ensure-periodic-schedules';

/**
 * Adds a periodic task's next run unless one is waiting (a waiting run keeps its time and its
 * count of failures). A job that still holds the key but is locked is not waiting: adding takes
 * the key off it, which is how a run locked by a killed instance stops blocking the schedule.
 */
async function ensureScheduled(helpers: JobHelpers, tasks: PeriodicTask[]): Promise<void> {
  for (const task of tasks) {
    const { rows } = await helpers.withPgClient((client) =>
      client.query('SELECT 1 FROM graphile_worker.jobs WHERE key = $1 AND locked_at IS NULL', [task.identifier]),
    );
    if (rows.length > 0) continue;
    await helpers.addJob(task.identifier, { failures: 0 }, { jobKey: task.identifier, jobKeyMode: 'preserve_run_at', runAt: new Date(Date.now() + task.periodMs) });
  }
}

export async function startTaskQueue(deps: { connectionString: string; periodic: PeriodicTask[]; tasks?: OneOffTask[]; log: (line: string) => void }): Promise<TaskQueue> {
  const taskList: TaskList = {
    ...Object.fromEntries((deps.tasks ?? []).map((task) => [task.identifier, (payload: unknown) => task.run(payload)])),
    ...Object.fromEntries(deps.periodic.map((task) => [task.identifier, periodicJob(task)])),
    [ensureSchedules]: (_payload, helpers) => ensureScheduled(helpers, deps.periodic),
  };
  const runner = await run({
    connectionString: deps.connectionString,
    concurrency: 1,
    // Jobs due in the future are found by polling; a periodic task should not wait much past its period.
    pollInterval: Math.min(2000, ...deps.periodic.map((task) => task.periodMs)),
    // Run times are the app's clock, the same clock the periodic tasks schedule with.
    useNodeTime: true,
    noHandleSignals: true,
    taskList,
    parsedCronItems: parseCronItems([{ task: ensureSchedules, identifier: ensureSchedules, match: '* * * * *', options: { backfillPeriod: 0 } }]),
    logger: new Logger(() => (level, message) => {
      if (level === 'error' || level === 'warning') deps.log(message);
    }),
  });
  runner.events.on('job:error', ({ job, error }) => deps.log(`task ${job.task_identifier} failed (attempt ${job.attempts}): ${toError(error).message}`));
  // Once per instance start, through the queue (one instance at a time, like the cron item).
  await runner.addJob(ensureSchedules, {}, { jobKey: ensureSchedules });
  return {
    events: runner.events,
    stop: () => runner.stop(),
  };
}
