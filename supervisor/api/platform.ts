// The platform as the pool and the streamer see it: claim, status, events and heartbeat
// go over the socket while it is open and fall back to HTTP when it is not (or when the
// socket refused: HTTP then gives a definite status code for the retry policy to judge).
import type { JobStatus } from '@spedy/protocol/job-status';
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import type { ClaimedJob, HeartbeatResponse, JobEventInput } from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { claimJobOverHttp, reportStatusOverHttp, saveCheckpointOverHttp, sendEventsOverHttp, type StatusDetails } from './jobs.ts';
import { isRetryable } from './retry.ts';
import { sendHeartbeat } from './runners.ts';
import { SocketDownError, SocketRefusal, type RunnerSocket } from './socket.ts';

export type Platform = {
  runnerId: string;
  claim(jobId?: string): Promise<ClaimedJob | null>;
  reportStatus(jobId: string, status: JobStatus, details?: StatusDetails): Promise<JobStatus>;
  /** One attempt; resolves with the platform's acknowledged sequence number for the job. */
  sendEvents(jobId: string, events: JobEventInput[], signal?: AbortSignal): Promise<number>;
  /** Records the job's checkpoint after a finished step (over HTTP: rare, and larger than an event batch). */
  saveCheckpoint(jobId: string, checkpoint: JobCheckpoint, signal?: AbortSignal): Promise<void>;
  /**
   * `ackedControlIds`: controls applied whose acknowledgement the socket could not carry;
   * `draining`: this supervisor is handing its jobs back before it exits.
   */
  heartbeat(activeJobIds: string[], report?: HeartbeatReport): Promise<HeartbeatAnswer>;
};

export type HeartbeatAnswer = Pick<HeartbeatResponse, 'jobs' | 'controls'>;
export type HeartbeatReport = { ackedControlIds?: string[]; image?: RunnerImageStatus; draining?: boolean };

const ackTimeoutMs = 15_000;
const heartbeatAnswerMs = 10_000;
/** How long a status report keeps trying while the platform does not answer (each try retries too). */
const statusOutageMs = 5 * 60_000;

type Waiter<T> = { resolve: (value: T) => void; reject: (error: Error) => void };

export function createPlatform(deps: { http: PlatformHttp; socket: RunnerSocket | null; runnerId: string }): Platform {
  const { http, socket, runnerId } = deps;
  const ackWaiters = new Map<string, Set<Waiter<number>>>();
  const heartbeatWaiters = new Set<Waiter<HeartbeatAnswer>>();

  socket?.onMessage((message) => {
    if (message.type === 'ack') settle(ackWaiters.get(message.jobId), (w) => w.resolve(message.ackedSeq));
    else if (message.type === 'error' && message.jobId) settle(ackWaiters.get(message.jobId), (w) => w.reject(new SocketRefusal(message.message)));
    else if (message.type === 'heartbeat-ok') settle(heartbeatWaiters, (w) => w.resolve({ jobs: message.jobs, controls: message.controls }));
  });

  /** Waits for the next answer of a kind, failing on timeout or when the socket drops. */
  function awaitAnswer<T>(set: Set<Waiter<T>>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(watch);
        signal?.removeEventListener('abort', onAbort);
        set.delete(waiter);
      };
      const waiter: Waiter<T> = {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
      };
      const onAbort = () => waiter.reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => waiter.reject(new SocketDownError(`No answer within ${timeoutMs} ms.`)), timeoutMs);
      // The socket dropping loses the answer: give up early so the caller can resend.
      const watch = setInterval(() => {
        if (!socket?.isOpen()) waiter.reject(new SocketDownError('The runner socket closed before the platform answered.'));
      }, 250);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(waiter);
    });
  }

  return {
    runnerId,

    async claim(jobId) {
      if (socket?.isOpen()) {
        // No HTTP retry when the answer was lost: the claim may have gone through, and a
        // second one could take another job. The next offer or slot check asks again.
        const answer = await socket.request({ type: 'claim', requestId: socket.newRequestId(), jobId }).catch((error: unknown) => {
          if (error instanceof SocketDownError) return null;
          throw error;
        });
        return answer?.type === 'claimed' ? answer.job : null;
      }
      return claimJobOverHttp(http, runnerId, jobId);
    },

    async reportStatus(jobId, status, details = {}) {
      if (socket?.isOpen()) {
        try {
          const answer = await socket.request({ type: 'status', requestId: socket.newRequestId(), jobId, status, reason: details.reason, result: details.result });
          if (answer.type === 'status-ok') return answer.status;
        } catch (error) {
          if (!(error instanceof SocketDownError) && !(error instanceof SocketRefusal)) throw error;
        }
      }
      // A resent status is not a second transition, so this is safe after a lost answer; it
      // outlasts a platform restart (the job's events wait meanwhile too).
      const deadline = Date.now() + statusOutageMs;
      for (;;) {
        try {
          return await reportStatusOverHttp(http, runnerId, jobId, status, details);
        } catch (error) {
          if (!isRetryable(error) || Date.now() > deadline) throw error;
        }
      }
    },

    async sendEvents(jobId, events, signal) {
      if (socket?.isOpen()) {
        const waiters = ackWaiters.get(jobId) ?? new Set();
        ackWaiters.set(jobId, waiters);
        const answer = awaitAnswer(waiters, ackTimeoutMs, signal);
        if (socket.send({ type: 'events', jobId, events })) {
          try {
            return await answer;
          } catch (error) {
            if (!(error instanceof SocketRefusal)) throw error;
          } finally {
            if (waiters.size === 0) ackWaiters.delete(jobId);
          }
        } else {
          answer.catch(() => undefined);
          settle(waiters, (w) => w.reject(new SocketDownError('not sent')));
          ackWaiters.delete(jobId);
        }
      }
      return sendEventsOverHttp(http, runnerId, jobId, events, signal);
    },

    saveCheckpoint: (jobId, checkpoint, signal) => saveCheckpointOverHttp(http, runnerId, jobId, checkpoint, signal),

    async heartbeat(activeJobIds, { ackedControlIds = [], image, draining } = {}) {
      const reported = { ...(ackedControlIds.length > 0 ? { ackedControlIds } : {}), ...(image ? { image } : {}), ...(draining ? { draining } : {}) };
      if (socket?.isOpen()) {
        const answer = awaitAnswer(heartbeatWaiters, heartbeatAnswerMs);
        if (socket.send({ type: 'heartbeat', activeJobIds, ...reported })) {
          try {
            return await answer;
          } catch {
            // No answer over the socket: the HTTP heartbeat below keeps the runner Online.
          }
        } else {
          answer.catch(() => undefined);
        }
      }
      const { jobs, controls } = await sendHeartbeat(http, { runnerId, activeJobIds, ...reported });
      return { jobs, controls };
    },
  };
}

function settle<T>(waiters: Set<Waiter<T>> | undefined, fn: (w: Waiter<T>) => void): void {
  if (!waiters) return;
  for (const w of [...waiters]) fn(w);
}
