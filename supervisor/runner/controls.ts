// The job's control messages (stop, continue, input, approve, revise, cancel) as the run needs them:
// Stop and Cancel at any moment as an abort signal, the others when the run waits for them.
// Cancel also ends a wait for Continue; after it, every wait fails at once. One reader
// takes every message from the context, so none is lost to a wait the run gave up on.
import { CancelReason } from '../container/cancel-reason.ts';
import { JobStopped } from './failures.ts';
import type { ControlMessage, JobContext } from './job-context.ts';

type Awaited = 'input' | 'approve' | 'revise' | 'continue';
type Waiter = { actions: readonly Awaited[]; resolve(message: ControlMessage): void; reject(error: unknown): void };

export class JobControls {
  private segment: AbortController;
  private readonly queued: ControlMessage[] = [];
  private waiter: Waiter | null = null;
  private closed = false;
  private cancelled = false;

  constructor(private readonly ctx: JobContext) {
    this.segment = this.openSegment();
    void this.read();
  }

  /**
   * Aborted by Stop (a `stop` message, or the context's signal: Stop, or the supervisor
   * shutting down, whose reason it keeps). After Continue a fresh one takes its place.
   */
  get stopSignal(): AbortSignal {
    return this.segment.signal;
  }

  throwIfStopped(): void {
    if (this.segment.signal.aborted) throw new JobStopped(this.segment.signal.reason);
  }

  /**
   * Starts waiting for `action` now (so an answer that arrives while the question is still
   * being reported is kept); messages queued before are stale and dropped. Rejects with
   * JobStopped on Stop, or when `cancel` is aborted (a parallel stage failed).
   */
  expect(action: 'input' | 'approve' | readonly Awaited[], cancel?: AbortSignal): Promise<ControlMessage> {
    this.queued.length = 0;
    return this.waitFor(typeof action === 'string' ? [action] : action, cancel ? AbortSignal.any([this.segment.signal, cancel]) : this.segment.signal);
  }

  /** After a Stop by the user: waits for Continue, then opens a fresh stop signal. */
  async waitForContinue(): Promise<void> {
    const queued = this.queued.findIndex((message) => message.action === 'continue');
    if (queued >= 0) this.queued.splice(0, queued + 1);
    else await this.waitFor(['continue']);
    this.queued.length = 0;
    this.segment = this.openSegment();
  }

  /** Stops reading (the job is over); a wait still pending is rejected. */
  close(): void {
    this.closed = true;
    this.waiter?.reject(new JobStopped(CancelReason.SupervisorShutdown));
    this.waiter = null;
  }

  private openSegment(): AbortController {
    const controller = new AbortController();
    // What was sent before a Stop (a late answer, an early Continue) no longer applies.
    controller.signal.addEventListener('abort', () => (this.queued.length = 0), { once: true });
    // The context hands out a fresh signal after Continue: read it now, not later.
    const signal = this.ctx.signal;
    if (signal.aborted) {
      // Aborted before Continue renewed it: only a later `stop` message counts.
      if (signal.reason !== CancelReason.StoppedByUser) controller.abort(signal.reason);
      return controller;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    return controller;
  }

  private waitFor(actions: readonly Awaited[], stopSignal?: AbortSignal): Promise<ControlMessage> {
    if (this.cancelled) return Promise.reject(new JobStopped(CancelReason.CancelledByUser));
    if (this.waiter) return Promise.reject(new Error(`The run already waits for "${this.waiter.actions.join('" or "')}".`));
    return new Promise((resolve, reject) => {
      const onStop = () => {
        this.waiter = null;
        reject(new JobStopped(stopSignal?.reason));
      };
      if (stopSignal?.aborted) return onStop();
      stopSignal?.addEventListener('abort', onStop, { once: true });
      this.waiter = {
        actions,
        resolve: (message) => {
          stopSignal?.removeEventListener('abort', onStop);
          resolve(message);
        },
        reject: (error) => {
          stopSignal?.removeEventListener('abort', onStop);
          reject(error);
        },
      };
    });
  }

  private async read(): Promise<void> {
    while (!this.closed) {
      let message: ControlMessage;
      try {
        message = await this.ctx.nextControl();
      } catch {
        return;
      }
      if (this.closed) return;
      if (message.action === 'stop') {
        if (!this.segment.signal.aborted) this.segment.abort(CancelReason.StoppedByUser);
        continue;
      }
      if (message.action === 'cancel') {
        this.cancelled = true;
        if (!this.segment.signal.aborted) this.segment.abort(CancelReason.CancelledByUser);
        // A wait for Continue listens to no signal (the segment was already stopped).
        this.waiter?.reject(new JobStopped(CancelReason.CancelledByUser));
        this.waiter = null;
        continue;
      }
      const waiter = this.waiter;
      if (waiter && (waiter.actions as readonly string[]).includes(message.action)) {
        this.waiter = null;
        waiter.resolve(message);
      } else {
        this.queued.push(message);
      }
    }
  }
}
