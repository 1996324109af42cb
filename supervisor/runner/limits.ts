// Limits outside the agent (issue 14): a wall-clock limit per stage and per job, and an
// idle limit (no agent event while an agent container runs). They count time of work
// only: while the job waits for a person (Waiting for Input) or is Stopped, every clock
// pauses. A limit reached aborts `signal` with a LimitReached reason; the stage turns it
// into the job's failure with a reason a person can read.
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { WorkFailure } from './failures.ts';

/** The abort reason of a limit reached; its message is the job's Failed reason. */
export class LimitReached {
  constructor(readonly message: string) {}
}

/** "30 min", "2 h", "45 s": the limit as a person set it. */
export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Counts time while running, not while paused, and calls `onLimit` once `limitMs` were spent. */
export class ActiveClock {
  private spent = 0;
  private since: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly limitMs: number,
    private readonly onLimit: () => void,
    running: boolean,
  ) {
    if (running) this.resume();
  }

  resume(): void {
    if (this.ended || this.since !== null) return;
    this.since = performance.now();
    this.timer = setTimeout(() => {
      this.end();
      this.onLimit();
    }, Math.max(0, this.limitMs - this.spent));
    this.timer.unref?.();
  }

  pause(): void {
    if (this.since === null) return;
    this.spent += performance.now() - this.since;
    this.since = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Starts counting from zero again (an agent event for the idle clock). */
  restart(): void {
    const running = this.since !== null;
    this.pause();
    this.spent = 0;
    if (running) this.resume();
  }

  end(): void {
    this.pause();
    this.ended = true;
  }
}

type Limits = Pick<JobSnapshot['budget'], 'stageTimeLimitSeconds' | 'jobTimeLimitSeconds' | 'idleLimitSeconds'>;

/** Statuses in which no limit counts. */
const pausedStatuses: ReadonlySet<JobStatus> = new Set(['waiting_for_input', 'stopped']);

export class JobLimits {
  private readonly controller = new AbortController();
  private readonly clocks = new Set<ActiveClock>();
  private paused = false;

  constructor(private readonly limits: Limits) {}

  /** Aborted with a LimitReached when a limit is reached. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The job's clock, from now until `close`. */
  startJob(): void {
    const seconds = this.limits.jobTimeLimitSeconds;
    this.clock(seconds, `The job ran for ${formatDuration(seconds)}, its limit.`);
  }

  /** A stage's clock; call the result when the stage ends (done, failed or stopped). */
  startStage(stageName: string): () => void {
    const seconds = this.limits.stageTimeLimitSeconds;
    return this.clock(seconds, `Stage ${stageName} ran for ${formatDuration(seconds)}, its limit.`);
  }

  /** While an agent container runs: `touch` at each of its events; `end` when it exits. */
  agentRunning(stageName: string): { touch(): void; end(): void } {
    const seconds = this.limits.idleLimitSeconds;
    let clock: ActiveClock | undefined;
    const end = this.clock(seconds, `The agent of stage ${stageName} was idle for ${formatDuration(seconds)} (no agent event), its limit.`, (c) => {
      clock = c;
    });
    return { touch: () => clock?.restart(), end };
  }

  /**
   * Where the supervisor's own work was cut short by `signal` (a clone, a push, a pull
   * request): the limit reached, as the job's failure. Does nothing when no limit was reached.
   */
  throwIfReached(): void {
    const { reason } = this.controller.signal;
    if (reason instanceof LimitReached) throw new WorkFailure(reason.message);
  }

  /** Follows the job's status: waiting for a person or stopped pauses every clock. */
  statusChanged(status: JobStatus): void {
    const paused = pausedStatuses.has(status);
    if (paused === this.paused) return;
    this.paused = paused;
    for (const clock of this.clocks) {
      if (paused) clock.pause();
      else clock.resume();
    }
  }

  close(): void {
    for (const clock of this.clocks) clock.end();
    this.clocks.clear();
  }

  private clock(seconds: number, message: string, created?: (clock: ActiveClock) => void): () => void {
    const clock = new ActiveClock(seconds * 1000, () => this.reached(message), !this.paused);
    this.clocks.add(clock);
    created?.(clock);
    return () => {
      clock.end();
      this.clocks.delete(clock);
    };
  }

  private reached(message: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new LimitReached(message));
  }
}
