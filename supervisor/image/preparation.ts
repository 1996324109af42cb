// The runner image's preparation over the supervisor's life: started when the supervisor
// starts (not on the first job), reported with every heartbeat so Settings → Runners shows
// "Preparing runner image — 0:41", and awaited by each job that arrives meanwhile, which
// shows the same line in its feed. A failed preparation is tried again by the next job.
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import { toError } from '@spedy/protocol/errors';
import type { JobContext } from '../runner/job-context.ts';
import { jobEvent } from '../runner/job-events.ts';
import { InfrastructureFailure, JobStopped } from '../runner/failures.ts';

export interface RunnerImagePreparation {
  /** What the runner reports: preparing since when, ready, or failed with the reason. */
  status(): RunnerImageStatus;
  /** The image's tag once it is ready; after a failure, the next call prepares it again. */
  ready(): Promise<string>;
  /** Called on every change of status (the supervisor sends a heartbeat then). */
  onChange(listener: (status: RunnerImageStatus) => void): void;
}

/** Starts `prepare` now; `now` is the clock the reported times come from. */
export function startRunnerImagePreparation(prepare: () => Promise<string>, now: () => number = Date.now): RunnerImagePreparation {
  const listeners: ((status: RunnerImageStatus) => void)[] = [];
  let current: RunnerImageStatus;
  let pending: Promise<string>;
  const set = (status: RunnerImageStatus) => {
    current = status;
    for (const listener of listeners) listener(status);
  };
  const start = () => {
    const startedAt = now();
    set({ state: 'preparing', startedAt });
    pending = prepare().then(
      (tag) => {
        set({ state: 'ready', startedAt, endedAt: now() });
        return tag;
      },
      (error: unknown) => {
        set({ state: 'failed', startedAt, endedAt: now(), reason: toError(error).message.slice(0, 2000) });
        throw error;
      },
    );
    // A failure is reported through status(); whoever awaits ready() gets it too.
    pending.catch(() => undefined);
  };
  start();
  return {
    status: () => current,
    ready() {
      if (current.state === 'failed') start();
      return pending;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * The image for a job: at once when it is ready; otherwise the job's feed says it waits
 * ("Preparing runner image — 0:41", ticking on the page), then that it is ready, or the job
 * ends in Error with the reason the preparation failed. Stop or Cancel end the wait.
 */
export async function runnerImageForJob(preparation: RunnerImagePreparation, ctx: Pick<JobContext, 'emit' | 'signal'>): Promise<string> {
  if (preparation.status().state === 'ready') return preparation.ready();
  const waiting = preparation.ready();
  ctx.emit(jobEvent.runnerImage(preparation.status()));
  const stopped = new Promise<never>((_, reject) => {
    const abort = () => reject(new JobStopped(ctx.signal.reason));
    if (ctx.signal.aborted) abort();
    else ctx.signal.addEventListener('abort', abort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    const tag = await Promise.race([waiting, stopped]);
    ctx.emit(jobEvent.runnerImage(preparation.status()));
    return tag;
  } catch (error) {
    if (error instanceof JobStopped) throw error;
    const status = preparation.status();
    ctx.emit(jobEvent.runnerImage(status));
    throw new InfrastructureFailure(`The runner image could not be prepared: ${status.reason ?? toError(error).message}`);
  }
}
