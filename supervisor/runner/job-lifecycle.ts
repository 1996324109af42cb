// One claimed job on this supervisor, top to bottom: open its board tools and its secret
// set → start its event streamer → run the work → decide how it ended → finally flush the
// events, report the outcome last, remove the job's work once it is final (job-folder.ts)
// and release what the job held. The pool
// (supervisor/pool.ts) only gives it a slot and hands it control messages; how a job ends
// is decided in one place, finalOutcome() below.
import fs from 'node:fs/promises';
import path from 'node:path';
import { handedBackNotice, handedBackReason } from '@spedy/protocol/hand-back';
import { activeJobStatuses, canHandBack, isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';
import type { ClaimedJob, ServerMessage } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import type { Platform } from '../api/platform.ts';
import { CancelReason } from '../container/cancel-reason.ts';
import type { Log } from '../log.ts';
import type { BoardToolsServer } from '../mcp/board-tools-server.ts';
import type { SecretStore } from '../secrets.ts';
import { createJobStreamer, type JobStreamer, type StreamerOptions } from '../streamer/streamer.ts';
import { failureOutcome } from './failures.ts';
import type { ControlMessage, JobContext, JobEnd } from './job-context.ts';
import { bundleSecrets, JobSecrets } from './job-secrets.ts';
import { openEventLog, removeJobWork } from './job-folder.ts';
import { jobEvent } from './job-events.ts';

/**
 * Why a job's signal was aborted (its `reason`): the container layer's cancel reasons
 * (the run stops its containers with them), and one only the supervisor's side knows.
 */
export const AbortReason = {
  StoppedByUser: CancelReason.StoppedByUser,
  CancelledByUser: CancelReason.CancelledByUser,
  /** The supervisor drains (SIGTERM): a working job is paused and handed back, see finalOutcome. */
  SupervisorShutdown: CancelReason.SupervisorShutdown,
  /** The platform no longer counts the job as this runner's (failed while the runner was away, or taken back). */
  LostOnPlatform: 'lost_on_platform',
} as const;
export type AbortReason = (typeof AbortReason)[keyof typeof AbortReason];

/** The supervisor's services a job's work may use besides its context. */
export type JobServices = {
  /** The job's `--mcp-config` entry: `boardTools.mcpConfig(ctx.job.id)`. */
  boardTools: Pick<BoardToolsServer, 'mcpConfig' | 'takeQuestion' | 'listener' | 'preloadKnowledge'>;
  secrets: SecretStore;
  /** The job's log lines, masked by its secret set. */
  log: Log;
};

/**
 * Does one claimed job's work. main.ts gives the real one (supervisor/runner/run-job.ts
 * with Docker, the runner image and the job's board tools); tests give a small fake. It
 * returns how the job ended, or reports a final status itself, or leaves it to finalOutcome.
 */
export type JobRunner = (ctx: JobContext, services: JobServices) => Promise<JobEnd | undefined | void>;

export type JobLifecycleDeps = {
  jobsDir: string;
  platform: Platform;
  secrets: SecretStore;
  boardTools: BoardToolsServer;
  runJob: JobRunner;
  log: Log;
  /** Never leaves in an event or a log line (masked like the secrets). */
  runnerToken: string;
  /** This runner's name, for the reason of a job it hands back. */
  runnerName?: string;
  streamer?: Partial<StreamerOptions>;
};

const flushTimeoutMs = 30_000;

export class JobLifecycle {
  /** Settles when the job is over here: events flushed, outcome reported, tools closed. */
  readonly done: Promise<void>;
  private controller = new AbortController();
  private readonly inbox = new ControlInbox();
  private status: JobStatus;
  /** Set by a cancel control: the job ends Failed with this reason, whatever the work was doing. */
  private cancelled: string | null = null;

  constructor(
    readonly job: ClaimedJob,
    deps: JobLifecycleDeps,
    /** Called last: the slot is free. */
    onEnd: () => void,
    /** Each status the platform accepted (Stopped and Waiting for Input give the slot back). */
    private readonly onStatus: (status: JobStatus) => void = () => {},
  ) {
    this.status = job.status;
    this.done = this.run(deps)
      .catch((error: unknown) => deps.log.error({ jobId: job.id, err: toError(error).message }, 'the job could not start here'))
      .finally(onEnd);
  }

  /** The status last reported to the platform. */
  get lastStatus(): JobStatus {
    return this.status;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Claimed again by this runner after a person continued or answered it: its status is the
   * claim's, and so is its budget (a person may have raised it; the run reads it live).
   */
  reclaimed(claimed: Pick<ClaimedJob, 'status' | 'snapshot'>): void {
    this.status = claimed.status;
    this.job.snapshot.budget = claimed.snapshot.budget;
  }

  abort(reason: AbortReason): void {
    this.controller.abort(reason);
  }

  /** Stop and Cancel abort the job's signal; Continue after a Stop gives it a fresh one; every message reaches the work. */
  control(message: Extract<ServerMessage, { type: 'control' }>): void {
    const control = toControl(message);
    if (control.action === 'stop') this.controller.abort(AbortReason.StoppedByUser);
    if (control.action === 'cancel') {
      this.cancelled ??= control.reason;
      this.controller.abort(AbortReason.CancelledByUser);
    }
    if (control.action === 'continue' && this.controller.signal.aborted && this.controller.signal.reason === AbortReason.StoppedByUser) {
      this.controller = new AbortController();
    }
    this.inbox.push(control);
  }

  private async run(deps: JobLifecycleDeps): Promise<void> {
    const { job } = this;
    // What the agent writes to the board is masked with the job's secret set (made next: it holds the tools secret).
    deps.boardTools.openJob(job.id, (text) => secretSet.mask(text));
    const bundle = deps.secrets.current();
    const secretSet = new JobSecrets({
      values: [
        ...bundleSecrets(bundle),
        { name: 'the runner token', value: deps.runnerToken },
        { name: 'the board tools secret', value: deps.boardTools.secretOf(job.id) },
      ],
      current: () => deps.secrets.current(),
      fetchMcpCredentials: () => deps.secrets.mcpCredentials(job.id),
    });
    const log = secretSet.maskLog(deps.log.child?.({ jobId: job.id }) ?? deps.log);
    const jobDir = path.join(deps.jobsDir, job.id);
    await fs.mkdir(jobDir, { recursive: true });
    const eventLog = openEventLog(jobDir);
    const streamer = createJobStreamer({
      jobId: job.id,
      lastSeq: job.lastEventSeq,
      send: (events, signal) => deps.platform.sendEvents(job.id, events, signal),
      mask: secretSet.mask,
      record: (event) => eventLog.write(event),
      log,
      ...deps.streamer,
    });
    log.info({ title: job.title, type: job.type, lastEventSeq: job.lastEventSeq }, 'job claimed');
    const lastStatus = () => this.status;
    const signal = () => this.controller.signal;
    const ctx: JobContext = {
      job,
      secrets: { ...bundle.env },
      secretSet,
      jobDir,
      get status() {
        return lastStatus();
      },
      reportStatus: async (status, details) => {
        // Events first: a job that shows as finished has all of its events stored, and one handed
        // back has them all before another runner claims it and numbers its own after them.
        if (isFinalJobStatus(status) || status === 'ready') await flush(streamer, log);
        this.status = await deps.platform.reportStatus(job.id, status, secretSet.maskStatusDetails(details));
        this.onStatus(this.status);
      },
      saveCheckpoint: (checkpoint) => deps.platform.saveCheckpoint(job.id, checkpoint),
      emit: (event) => streamer.push(event),
      nextControl: () => this.inbox.next(),
      // A getter: after Stop, Continue gives the job a fresh signal (see control()).
      get signal() {
        return signal();
      },
    };
    try {
      await runToEnd(
        ctx,
        () => deps.runJob(ctx, { boardTools: deps.boardTools, secrets: deps.secrets, log }),
        log,
        () => this.cancelled,
        deps.runnerName,
      );
    } finally {
      await flush(streamer, log);
      streamer.close();
      await eventLog.close();
      deps.boardTools.closeJob(job.id);
      log.info({ status: this.status, events: streamer.stats }, 'job finished here');
    }
  }
}

/**
 * Runs the job's work and reports how it ended, if the work did not: a run that ends
 * without an outcome gets one now, so the job does not stay active until the platform's
 * heartbeat monitor fails it.
 */
export async function runToEnd(
  ctx: JobContext,
  work: () => Promise<JobEnd | undefined | void>,
  log: Pick<Log, 'error'>,
  cancelled: () => string | null = () => null,
  runnerName?: string,
): Promise<void> {
  let ended: JobEnd | undefined;
  let failure: Error | undefined;
  try {
    ended = (await work()) ?? undefined;
  } catch (error) {
    failure = toError(error);
    log.error({ err: failure.stack ?? failure.message }, 'job run failed');
  }
  const abortReason = ctx.signal.aborted ? ctx.signal.reason : undefined;
  const outcome = finalOutcome({ ended, failure, abortReason, status: ctx.status, cancelled: cancelled() ?? undefined });
  if (outcome?.status === 'ready') {
    // The folder stays (reused if this runner claims the job again); nothing depends on it.
    ctx.emit(jobEvent.notice(handedBackNotice));
    await ctx
      .reportStatus('ready', { reason: handedBackReason(runnerName) })
      .catch((error: unknown) => log.error({ err: toError(error).message }, 'could not hand the job back; the platform does when this runner’s heartbeats stop'));
  } else if (outcome) {
    await ctx
      .reportStatus(outcome.status, outcome.status === 'completed' ? { result: outcome.result } : { reason: outcome.reason })
      .catch((error: unknown) => log.error({ err: toError(error).message, status: outcome.status }, 'could not report the outcome'));
  }
  // Final, or no longer this runner's: nothing will continue here, so the work and its secrets go.
  if (isFinalJobStatus(ctx.status) || abortReason === AbortReason.LostOnPlatform) {
    await removeJobWork(ctx.jobDir).catch((error: unknown) => log.error({ err: toError(error).message }, 'could not remove the job folder'));
  }
}

/** How a job leaves this supervisor: its end, or handed back (Ready for any runner that matches) while draining. */
export type JobOutcome = JobEnd | { status: 'ready' };

/** The one decision of how a job ends on this supervisor; null when there is nothing (more) to report. */
export function finalOutcome(end: { ended?: JobEnd; failure?: Error; abortReason?: unknown; status: JobStatus; cancelled?: string }): JobOutcome | null {
  // The platform failed the job or took it back: its outcome is the platform's.
  if (end.abortReason === AbortReason.LostOnPlatform) return null;
  // A person cancelled it: Failed with their reason, even when it was Stopped or had just finished its work.
  if (end.cancelled !== undefined && activeJobStatuses.includes(end.status) && end.status !== 'ready') return { status: 'failed', reason: end.cancelled };
  // Reported by the work itself, or handed back: Stopped waits for Continue, Ready for the next claim.
  if (!activeJobStatuses.includes(end.status) || end.status === 'stopped' || end.status === 'ready') return null;
  // What the work finished before the drain's deadline stands (delivery does not stop for it).
  if (end.ended) return end.ended;
  // Draining: a working job is handed back; one waiting for a person stays this runner's.
  if (end.abortReason === AbortReason.SupervisorShutdown) return canHandBack(end.status) ? { status: 'ready' } : null;
  if (end.failure) return failureOutcome(end.failure);
  return { status: 'error', reason: 'The runner ended without reporting an outcome.' };
}

async function flush(streamer: JobStreamer, log: Log): Promise<void> {
  if (!(await streamer.flush(flushTimeoutMs))) log.warn({ events: streamer.stats }, 'not every event was acknowledged in time');
}

function toControl(message: Extract<ServerMessage, { type: 'control' }>): ControlMessage {
  switch (message.action) {
    case 'input':
      return { action: 'input', text: message.text ?? '' };
    case 'approve':
      return message.text === undefined ? { action: 'approve' } : { action: 'approve', text: message.text };
    case 'revise':
      return { action: 'revise', text: message.text ?? '' };
    case 'cancel':
      return { action: 'cancel', reason: message.text ?? 'Cancelled.' };
    default:
      return { action: message.action };
  }
}

/** Control messages for one job, queued until its work asks for the next one. */
class ControlInbox {
  private readonly queued: ControlMessage[] = [];
  private readonly waiters: ((message: ControlMessage) => void)[] = [];

  push(message: ControlMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(message);
    else this.queued.push(message);
  }

  next(): Promise<ControlMessage> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
