// The runner's slots: claims work while a slot is free (on an offer, at start and whenever a
// slot frees), starts each claimed job's lifecycle (runner/job-lifecycle.ts), routes control
// messages and the platform's view of our jobs to it, and on shutdown (a drain) stops taking
// work, pauses what runs and waits for it to be handed back (runner/job-lifecycle.ts finalOutcome).
//
// A job that is Stopped or Waiting for Input stays here (its containers' folder and agent
// sessions are kept) but holds no slot, like on the platform (slotJobStatuses). When a
// person continues or answers it, the platform makes it Ready again for this runner only
// and sends the control; the control waits here until the job is claimed again (it then
// takes a slot), and the platform offers it ahead of new work.
import type { JobStatus } from '@spedy/protocol/job-status';
import { holdsPoolSlot, isFinalJobStatus } from '@spedy/protocol/job-status';
import type { ServerMessage } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import { AbortReason, JobLifecycle, type JobLifecycleDeps } from './runner/job-lifecycle.ts';

export type Pool = {
  activeJobIds(): string[];
  /** The status of each job here, slot-holding or parked (the metrics read it). */
  jobStatuses(): JobStatus[];
  /** An offer from the platform: claim it if a slot is free. */
  offer(jobId: string): void;
  /** Claims waiting work until the slots are full or nothing matches. */
  askForWork(): void;
  control(message: Extract<ServerMessage, { type: 'control' }>): void;
  /** The platform's view of our jobs (heartbeat answer): jobs it no longer counts as ours are aborted. */
  reconcile(jobs: { id: string; status: JobStatus }[], reported: string[]): void;
  /**
   * Drains: stops taking work, pauses running jobs and waits (up to `timeoutMs`) until each is
   * handed back or finished. Stopped jobs, and jobs Waiting for Input, stay this runner's.
   */
  shutdown(timeoutMs: number): Promise<void>;
};

export function createPool(deps: JobLifecycleDeps & { size: number }): Pool {
  const { platform, log } = deps;
  const running = new Map<string, JobLifecycle>();
  /** Continue, answers and approvals for parked jobs, applied once the job is claimed again. */
  const awaitingClaim = new Map<string, Extract<ServerMessage, { type: 'control' }>[]>();
  let claiming = 0;
  let asking = false;
  let askAgain = false;
  let shuttingDown = false;

  const parked = (job: JobLifecycle) => !holdsPoolSlot(job.lastStatus);
  const freeSlots = () => deps.size - [...running.values()].filter((job) => !parked(job)).length - claiming;

  async function claim(jobId?: string): Promise<boolean> {
    const known = jobId ? running.get(jobId) : undefined;
    if (shuttingDown || freeSlots() <= 0 || (known && !parked(known))) return false;
    claiming++;
    try {
      const job = await platform.claim(jobId);
      if (!job) return false;
      const waiting = running.get(job.id);
      if (waiting) {
        // Continued or answered while parked here: it takes a slot again and gets the person's action.
        waiting.reclaimed(job);
        for (const message of awaitingClaim.get(job.id) ?? []) waiting.control(message);
        awaitingClaim.delete(job.id);
        return true;
      }
      running.set(
        job.id,
        new JobLifecycle(
          job,
          deps,
          () => {
            running.delete(job.id);
            awaitingClaim.delete(job.id);
            pool.askForWork();
          },
          // Stopped or Waiting for Input: the slot is free for other work meanwhile.
          (status) => {
            if (!holdsPoolSlot(status)) pool.askForWork();
          },
        ),
      );
      return true;
    } catch (error) {
      log.debug({ jobId, err: toError(error).message }, 'claim refused');
      return false;
    } finally {
      claiming--;
    }
  }

  const pool: Pool = {
    activeJobIds: () => [...running.keys()],
    jobStatuses: () => [...running.values()].map((job) => job.lastStatus),

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
      const job = running.get(message.jobId);
      if (job && parked(job)) {
        // Stop and "End the job" apply where the job waits (Stopped, Waiting for Input): no claim precedes them.
        if (message.action === 'stop' || message.action === 'cancel') {
          awaitingClaim.delete(message.jobId);
          return job.control(message);
        }
        // The platform made it Ready for us: apply the action once the claim gives it a slot.
        awaitingClaim.set(message.jobId, [...(awaitingClaim.get(message.jobId) ?? []), message]);
        void claim(message.jobId);
        return;
      }
      if (job) return job.control(message);
      // A job stopped before this supervisor (re)started: Continue made it Ready for this
      // runner only; claimed again, it resumes from its workspace.
      if (message.action === 'continue' && !shuttingDown) {
        pool.askForWork();
        return;
      }
      // Cancelled while nothing of it runs here (Stopped before this supervisor restarted): it fails now.
      if (message.action === 'cancel') {
        platform
          .reportStatus(message.jobId, 'failed', { reason: message.text ?? 'Cancelled.' })
          .catch((error) => log.warn({ jobId: message.jobId, err: toError(error).message }, 'could not cancel the job'));
        return;
      }
      log.info({ jobId: message.jobId, action: message.action }, 'control for a job not running here; ignored');
    },

    reconcile(jobs, reported) {
      const known = new Map(jobs.map((j) => [j.id, j.status]));
      for (const id of reported) {
        const job = running.get(id);
        if (!job || job.aborted) continue;
        const status = known.get(id);
        // Stopped on the platform while its Stop message was lost (the socket was down).
        if (status === 'stopped' && job.lastStatus !== 'stopped') {
          pool.control({ type: 'control', jobId: id, action: 'stop' });
          continue;
        }
        if (status === undefined || isFinalJobStatus(status)) {
          log.warn({ jobId: id, platformStatus: status ?? 'not ours' }, 'the platform no longer counts this job as running here; aborting it');
          job.abort(AbortReason.LostOnPlatform);
        }
      }
    },

    async shutdown(timeoutMs) {
      shuttingDown = true;
      for (const job of running.values()) job.abort(AbortReason.SupervisorShutdown);
      // A Stopped job's run waits for Continue and keeps waiting (its signal is already aborted): it stays.
      const draining = [...running.values()].filter((job) => job.lastStatus !== 'stopped');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(draining.map((job) => job.done)), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      const left = [...running.values()].filter((job) => holdsPoolSlot(job.lastStatus)).map((job) => job.job.id);
      if (left.length > 0) log.warn({ jobs: left }, 'jobs not handed back in time; the platform hands them back when this runner’s heartbeats stop or it registers again');
    },
  };
  return pool;
}
