// The runner's slots: claims work while a slot is free (on an offer, at start and whenever a
// slot frees), gives each claimed job its JobContext and runs it, routes control messages
// to it, and makes sure every job ends with its events flushed and an outcome reported
// last. Shutdown stops taking work, aborts what runs and waits for it to wrap up.
import fs from 'node:fs/promises';
import path from 'node:path';
import { activeJobStatuses, isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';
import type { ClaimedJob, ServerMessage } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import type { StatusDetails } from './api/jobs.ts';
import type { Platform } from './api/platform.ts';
import { CancelReason } from './container/cancel-reason.ts';
import type { BoardToolsServer } from './mcp/board-tools-server.ts';
import { maskSecrets } from './runner/mask.ts';
import type { ControlMessage, JobContext } from './runner/job-context.ts';
import type { SecretStore } from './secrets.ts';
import { createJobStreamer, type JobStreamer, type StreamerOptions } from './streamer/streamer.ts';

/**
 * Why a job's signal was aborted (its `reason`): the container layer's cancel reasons
 * (the run stops its containers with them), and one only the pool knows.
 */
export const AbortReason = {
  StoppedByUser: CancelReason.StoppedByUser,
  SupervisorShutdown: CancelReason.SupervisorShutdown,
  /** The platform no longer counts the job as this runner's (failed while the runner was away, or taken back). */
  LostOnPlatform: 'lost_on_platform',
} as const;
export type AbortReason = (typeof AbortReason)[keyof typeof AbortReason];

/** The supervisor's services a job's run may use besides its context. */
export type JobServices = {
  /** The job's `--mcp-config` entry: `boardTools.mcpConfig(ctx.job.id)`. */
  boardTools: Pick<BoardToolsServer, 'mcpConfig' | 'takeQuestion'>;
  secrets: SecretStore;
  log: Log;
};

/**
 * Runs one claimed job to its end. main.ts gives the real one (supervisor/runner/run-job.ts
 * with Docker, the runner image and the job's board tools); tests give a small fake.
 */
export type JobRunner = (ctx: JobContext, services: JobServices) => Promise<void>;

export type Log = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  child?(bindings: object): Log;
};

export type Pool = {
  activeJobIds(): string[];
  /** An offer from the platform: claim it if a slot is free. */
  offer(jobId: string): void;
  /** Claims waiting work until the slots are full or nothing matches. */
  askForWork(): void;
  control(message: Extract<ServerMessage, { type: 'control' }>): void;
  /** The platform's view of our jobs (heartbeat answer): jobs it no longer counts as ours are aborted. */
  reconcile(jobs: { id: string; status: JobStatus }[], reported: string[]): void;
  /** Stops taking work, aborts running jobs and waits (up to `timeoutMs`) for them to finish. */
  shutdown(timeoutMs: number): Promise<void>;
};

type RunningJob = {
  job: ClaimedJob;
  controller: AbortController;
  inbox: ControlInbox;
  streamer: JobStreamer;
  lastStatus: JobStatus;
  done: Promise<void>;
};

const flushTimeoutMs = 30_000;

export function createPool(deps: {
  size: number;
  jobsDir: string;
  platform: Platform;
  secrets: SecretStore;
  boardTools: BoardToolsServer;
  runJob: JobRunner;
  log: Log;
  /** Never leaves in an event (masked like the secrets). */
  runnerToken: string;
  streamer?: Partial<StreamerOptions>;
}): Pool {
  const { platform, log } = deps;
  const running = new Map<string, RunningJob>();
  let claiming = 0;
  let asking = false;
  let askAgain = false;
  let shuttingDown = false;

  const freeSlots = () => deps.size - running.size - claiming;

  /** Every value that must not leave the supervisor: the job's secrets, the runner token, the job's tools secret. */
  function maskFor(jobId: string): (text: string) => string {
    let source: unknown = null;
    let values: string[] = [];
    return (text) => {
      const secrets = deps.secrets.current();
      if (source !== secrets) {
        source = secrets;
        const toolsSecret = deps.boardTools.secretOf(jobId);
        values = [...Object.values(secrets.env), ...secrets.git.map((g) => g.token), deps.runnerToken, ...(toolsSecret ? [toolsSecret] : [])];
      }
      return maskSecrets(text, values);
    };
  }

  async function claim(jobId?: string): Promise<boolean> {
    if (shuttingDown || freeSlots() <= 0 || (jobId && running.has(jobId))) return false;
    claiming++;
    try {
      const job = await platform.claim(jobId);
      if (!job) return false;
      start(job);
      return true;
    } catch (error) {
      log.debug({ jobId, err: toError(error).message }, 'claim refused');
      return false;
    } finally {
      claiming--;
    }
  }

  function start(job: ClaimedJob): void {
    const controller = new AbortController();
    const jobLog = log.child?.({ jobId: job.id }) ?? log;
    const streamer = createJobStreamer({
      jobId: job.id,
      lastSeq: job.lastEventSeq,
      send: (events, signal) => platform.sendEvents(job.id, events, signal),
      mask: maskFor(job.id),
      log: jobLog,
      ...deps.streamer,
    });
    const entry: RunningJob = { job, controller, inbox: new ControlInbox(), streamer, lastStatus: job.status, done: Promise.resolve() };
    running.set(job.id, entry);
    deps.boardTools.openJob(job.id);
    jobLog.info({ title: job.title, type: job.type, lastEventSeq: job.lastEventSeq }, 'job claimed');
    entry.done = run(entry, jobLog);
  }

  async function run(entry: RunningJob, jobLog: Log): Promise<void> {
    const { job, streamer } = entry;
    const mask = maskFor(job.id);
    const report = async (status: JobStatus, details: StatusDetails = {}) => {
      // Events first: a job that shows as finished has all of its events stored.
      if (isFinalJobStatus(status)) await flush(streamer, jobLog);
      entry.lastStatus = await platform.reportStatus(job.id, status, {
        reason: details.reason === undefined ? undefined : mask(details.reason).slice(0, 2000),
        result: details.result === undefined ? undefined : maskObject(details.result, mask),
      });
    };
    let failure: Error | null = null;
    try {
      const jobDir = path.join(deps.jobsDir, job.id);
      await fs.mkdir(jobDir, { recursive: true });
      const ctx: JobContext = {
        job,
        secrets: { ...deps.secrets.current().env },
        jobDir,
        reportStatus: report,
        emit: (event) => streamer.push(event),
        nextControl: () => entry.inbox.next(),
        // A getter: after Stop, Continue gives the job a fresh signal (see control()).
        get signal() {
          return entry.controller.signal;
        },
      };
      await deps.runJob(ctx, { boardTools: deps.boardTools, secrets: deps.secrets, log: jobLog });
    } catch (error) {
      failure = toError(error);
      jobLog.error({ err: mask(failure.stack ?? failure.message) }, 'job run failed');
    } finally {
      await flush(streamer, jobLog);
      // A run that ended without an outcome gets one now, so the job does not stay active
      // until the platform's heartbeat monitor fails it.
      if (needsOutcome(entry)) {
        const [status, reason] = outcomeWithoutReport(entry, failure);
        await report(status, { reason }).catch((error) => jobLog.error({ err: toError(error).message, status }, 'could not report the outcome'));
      }
      streamer.close();
      deps.boardTools.closeJob(job.id);
      running.delete(job.id);
      jobLog.info({ status: entry.lastStatus, events: streamer.stats }, 'job finished here');
      pool.askForWork();
    }
  }

  /** Active here and not stopped (Continue picks that up) or handed back, and the platform still counts it as ours. */
  function needsOutcome(entry: RunningJob): boolean {
    if (entry.controller.signal.reason === AbortReason.LostOnPlatform) return false;
    return activeJobStatuses.includes(entry.lastStatus) && entry.lastStatus !== 'stopped' && entry.lastStatus !== 'ready';
  }

  function outcomeWithoutReport(entry: RunningJob, failure: Error | null): [JobStatus, string] {
    const reason = entry.controller.signal.reason;
    if (reason === AbortReason.SupervisorShutdown) return ['failed', 'The supervisor shut down while the job was running.'];
    if (failure) return ['error', `The runner failed: ${failure.message}`];
    return ['error', 'The runner ended without reporting an outcome.'];
  }

  const pool: Pool = {
    activeJobIds: () => [...running.keys()],

    offer(jobId) {
      if (freeSlots() > 0) void claim(jobId);
    },

    askForWork() {
      if (shuttingDown) return;
      if (asking) {
        askAgain = true;
        return;
      }
      asking = true;
      void (async () => {
        try {
          do {
            askAgain = false;
            while (freeSlots() > 0 && (await claim())) {
              // claimed one; look for another
            }
          } while (askAgain && freeSlots() > 0);
        } finally {
          asking = false;
        }
      })();
    },

    control(message) {
      const entry = running.get(message.jobId);
      if (!entry) {
        // A job stopped before this supervisor (re)started: hand it back so it is claimed
        // again (most likely here, where its workspace is) and resumes.
        if (message.action === 'continue' && !shuttingDown) {
          platform
            .reportStatus(message.jobId, 'ready', { reason: 'Continued after the runner restarted.' })
            .then(() => pool.askForWork())
            .catch((error) => log.warn({ jobId: message.jobId, err: toError(error).message }, 'could not continue the job'));
          return;
        }
        log.info({ jobId: message.jobId, action: message.action }, 'control for a job not running here; ignored');
        return;
      }
      const control = toControl(message);
      if (control.action === 'stop') entry.controller.abort(AbortReason.StoppedByUser);
      if (control.action === 'continue' && entry.controller.signal.aborted && entry.controller.signal.reason === AbortReason.StoppedByUser) {
        entry.controller = new AbortController();
      }
      entry.inbox.push(control);
    },

    reconcile(jobs, reported) {
      const known = new Map(jobs.map((j) => [j.id, j.status]));
      for (const id of reported) {
        const entry = running.get(id);
        if (!entry || entry.controller.signal.aborted) continue;
        const status = known.get(id);
        // Stopped on the platform while its Stop message was lost (the socket was down).
        if (status === 'stopped' && entry.lastStatus !== 'stopped') {
          pool.control({ type: 'control', jobId: id, action: 'stop' });
          continue;
        }
        if (status === undefined || isFinalJobStatus(status)) {
          log.warn({ jobId: id, platformStatus: status ?? 'not ours' }, 'the platform no longer counts this job as running here; aborting it');
          entry.controller.abort(AbortReason.LostOnPlatform);
        }
      }
    },

    async shutdown(timeoutMs) {
      shuttingDown = true;
      for (const entry of running.values()) entry.controller.abort(AbortReason.SupervisorShutdown);
      const all = Promise.all([...running.values()].map((e) => e.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      if (running.size > 0) log.warn({ jobs: [...running.keys()] }, 'jobs still running at exit; the platform fails them after the heartbeat timeout');
    },
  };
  return pool;
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
    default:
      return { action: message.action };
  }
}

function maskObject(value: Record<string, unknown>, mask: (text: string) => string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? mask(v) : v))) as Record<string, unknown>;
}

/** Control messages for one job, queued until its run asks for the next one. */
export class ControlInbox {
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
