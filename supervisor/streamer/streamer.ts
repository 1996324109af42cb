// One job's event stream to the platform, like buildkite/agent's log streamer: every event
// gets the next sequence number (continuing after the job's last stored one), waits in a
// bounded queue, and goes out in batches (by count, bytes or a short time window). The window
// is a throttle with a leading edge: the first event after a quiet moment (no batch sent for a
// window) goes out at once, and only what arrives within a window of the last send waits for
// its end (the trailing batch), so a quiet job's event is stored in a round trip while a chatty
// one still sends at most one partial batch per window. One batch is in flight at a time and always starts at the oldest unacknowledged event, so the
// platform never sees a gap; whatever is not acknowledged is sent again (the platform
// stores each (job, seq) once). `flush()` waits until everything is acknowledged.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobEventInput } from '@spedy/protocol/wire';
import { maxEventSeq } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import { ApiError, backoffDelay, defaultRetryPolicy, isRetryable, type RetryPolicy } from '../api/retry.ts';
import type { JobEvent } from '../runner/job-context.ts';
import { recordEventsDelivered } from '../operations/metrics.ts';
import { prepareEvent, type Mask } from './event-payload.ts';

/** Sends one batch; resolves with the highest sequence number the platform has stored for the job. */
export type EventTransport = (events: JobEventInput[], signal: AbortSignal) => Promise<number>;

export type StreamerOptions = {
  jobId: string;
  /** The job's last stored sequence number (`job.lastEventSeq`): numbering continues after it. */
  lastSeq: number;
  send: EventTransport;
  mask: Mask;
  /** Sees each event as it leaves (numbered, masked): the runner's own event log. */
  record?: (event: JobEventInput) => void;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  batchSize?: number;
  batchWindowMs?: number;
  maxBatchBytes?: number;
  maxQueuedEvents?: number;
  maxQueuedBytes?: number;
  policy?: RetryPolicy;
};

export type JobStreamer = {
  /** Numbers and queues an event; never blocks. */
  push(event: JobEvent): void;
  /** Resolves true once every event so far is acknowledged; false after `timeoutMs` (or if the stream failed). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Stops sending; what is unacknowledged is dropped. */
  close(): void;
  readonly stats: { lastSeq: number; ackedSeq: number; unacknowledged: number; dropped: number };
};

type Queued = { event: JobEventInput; bytes: number };

/** Events the platform accepts per batch (wire.ts allows 500). */
const wireBatchLimit = 500;

export function createJobStreamer(options: StreamerOptions): JobStreamer {
  const batchSize = Math.min(options.batchSize ?? 200, wireBatchLimit);
  const batchWindowMs = options.batchWindowMs ?? 200;
  const maxQueuedEvents = options.maxQueuedEvents ?? 20_000;
  const maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  const policy = options.policy ?? { ...defaultRetryPolicy, maxDelayMs: 10_000 };
  let maxBatchBytes = options.maxBatchBytes ?? 2 * 1024 * 1024;

  const queue: Queued[] = [];
  let queuedBytes = 0;
  let lastSeq = options.lastSeq;
  let ackedSeq = options.lastSeq;
  let dropped = 0;
  let droppedSinceNotice = 0;
  let failed = false;
  let closed = false;
  let flushing = 0;
  /** When the last batch went out: the batch window runs from here. */
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const stopped = new AbortController();
  const wakers = new Set<() => void>();
  const drainWaiters = new Set<() => void>();

  const wake = () => {
    for (const w of [...wakers]) w();
  };
  const drained = () => queue.length === 0 && droppedSinceNotice === 0;
  const settleDrainWaiters = () => {
    if (!drained() && !failed && !closed) return;
    for (const w of [...drainWaiters]) w();
  };

  function enqueue(type: string, payload: Record<string, unknown>, bytes: number): void {
    if (lastSeq >= maxEventSeq) return;
    lastSeq++;
    const event = { seq: lastSeq, type, payload, at: Date.now() };
    queue.push({ event, bytes });
    queuedBytes += bytes;
    options.record?.(event);
  }

  /** After a full queue dropped events, one event says how many, once there is room again. */
  function noteDropped(): void {
    if (droppedSinceNotice === 0 || queue.length >= maxQueuedEvents) return;
    enqueue('events_dropped', { count: droppedSinceNotice, reason: 'The platform was unreachable and the queue was full.' }, 100);
    droppedSinceNotice = 0;
  }

  function takeBatch(): JobEventInput[] {
    const batch: JobEventInput[] = [];
    let bytes = 0;
    for (const item of queue) {
      if (batch.length >= batchSize || (batch.length > 0 && bytes + item.bytes > maxBatchBytes)) break;
      batch.push(item.event);
      bytes += item.bytes;
    }
    return batch;
  }

  function acknowledge(seq: number): void {
    ackedSeq = Math.max(ackedSeq, seq);
    const queued = queue.length;
    while (queue.length > 0 && queue[0].event.seq <= ackedSeq) queuedBytes -= queue.shift()!.bytes;
    recordEventsDelivered(queued - queue.length);
    noteDropped();
  }

  /** Resolves when woken (new events, flush, close) or after `ms`. */
  function waitForWake(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = ms === null ? undefined : setTimeout(done, ms);
      wakers.add(done);
    });
  }

  async function pump(): Promise<void> {
    let failures = 0;
    while (!closed && !failed) {
      if (queue.length === 0) {
        settleDrainWaiters();
        await waitForWake(null);
        continue;
      }
      // Within a window of the last send, a partial batch waits for the window's end (or a full
      // batch, or a flush); after a quiet window it goes out at once.
      const sinceLastSend = Date.now() - lastSentAt;
      if (flushing === 0 && queue.length < batchSize && sinceLastSend < batchWindowMs) {
        await waitForWake(batchWindowMs - sinceLastSend);
        continue;
      }
      const batch = takeBatch();
      lastSentAt = Date.now();
      try {
        const acked = await options.send(batch, stopped.signal);
        const progressed = acked > ackedSeq;
        acknowledge(acked);
        failures = progressed ? 0 : failures + 1;
        if (!progressed) await sleep(backoffDelay(failures, policy), undefined, { signal: stopped.signal }).catch(() => undefined);
      } catch (error) {
        if (closed) break;
        if (error instanceof ApiError && error.status === 413 && maxBatchBytes > 64 * 1024) {
          maxBatchBytes = Math.floor(maxBatchBytes / 2);
          continue;
        }
        if (!isRetryable(error)) {
          failed = true;
          options.log.error(
            { jobId: options.jobId, err: toError(error).message, fromSeq: batch[0].seq, unacknowledged: queue.length },
            'the platform refused this job\'s events; they are dropped',
          );
          break;
        }
        failures++;
        const delayMs = backoffDelay(failures, policy);
        if (failures === 1 || failures % 10 === 0) {
          options.log.warn({ jobId: options.jobId, err: toError(error).message, attempt: failures, delayMs }, 'events not acknowledged; resending');
        }
        // Only close() cuts the backoff short: new events must not turn an outage into a resend loop.
        await sleep(delayMs, undefined, { signal: stopped.signal }).catch(() => undefined);
      }
    }
    settleDrainWaiters();
  }

  void pump();

  return {
    push(event) {
      if (closed || failed) return;
      noteDropped();
      if (queue.length >= maxQueuedEvents || queuedBytes >= maxQueuedBytes) {
        if (droppedSinceNotice === 0) options.log.warn({ jobId: options.jobId, queued: queue.length }, 'event queue full; dropping events until the platform catches up');
        dropped++;
        droppedSinceNotice++;
        return;
      }
      const prepared = prepareEvent(event, options.mask);
      enqueue(prepared.type, prepared.payload, prepared.bytes);
      // The pump sleeps on an empty queue or a batch window: a first event (sent at once after a
      // quiet window, else at the window's end) or a full batch wakes it.
      if (queue.length === 1 || queue.length >= batchSize) wake();
    },

    async flush(timeoutMs = 30_000) {
      noteDropped();
      if (drained()) return true;
      if (failed || closed) return false;
      flushing++;
      wake();
      try {
        return await new Promise<boolean>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            drainWaiters.delete(done);
            resolve(drained());
          };
          const timer = setTimeout(done, timeoutMs);
          drainWaiters.add(done);
        });
      } finally {
        flushing--;
      }
    },

    close() {
      if (closed) return;
      closed = true;
      stopped.abort();
      wake();
      settleDrainWaiters();
    },

    get stats() {
      return { lastSeq, ackedSeq, unacknowledged: queue.length, dropped };
    },
  };
}
