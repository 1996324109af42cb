// The job's status as this run reports it: one report at a time, in order, each status
// once. While a stage waits for a person, other stages' activity does not flip the job
// back to Running. The job's final status is reported by its lifecycle (job-lifecycle.ts);
// the context masks reasons on the way out.
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobContext } from './job-context.ts';
import { JobStopped } from './failures.ts';

type Details = Parameters<JobContext['reportStatus']>[1];

export class JobStatusTracker {
  private status: JobStatus;
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** A background report that failed; thrown by the next awaited report. */
  private failure: unknown = null;

  constructor(
    private readonly ctx: JobContext,
    /** Told each status once reported (the job's limits pause while it waits for a person). */
    private readonly onChange: (status: JobStatus) => void = () => {},
  ) {
    this.status = ctx.job.status;
  }

  get current(): JobStatus {
    return this.status;
  }

  /** Reports `status` after any report still on its way; a repeat without details is skipped. */
  report(status: JobStatus, details?: Details): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      if (status === this.status && !details) return;
      if (status === 'running' && this.waiting > 0) return;
      await this.ctx.reportStatus(status, details);
      this.status = status;
      this.onChange(status);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every report so far is made; throws a background report's failure. */
  settled(): Promise<void> {
    return this.queue.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** For callbacks that cannot wait (the first event of an agent): a failure surfaces at the next report. */
  reportSoon(status: JobStatus): void {
    this.report(status).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /** Waiting for Input while `wait` runs (with `reason`, if given); afterwards the job is Executing again (unless it was stopped). */
  async whileWaitingForInput<T>(wait: () => Promise<T>, reason?: string): Promise<T> {
    if (this.status === 'preparing') await this.report('executing');
    this.waiting++;
    let stopped = false;
    try {
      await this.report('waiting_for_input', reason === undefined ? undefined : { reason });
      return await wait();
    } catch (error) {
      stopped = error instanceof JobStopped;
      throw error;
    } finally {
      this.waiting--;
      if (this.waiting === 0 && !stopped) await this.report('executing');
    }
  }
}
