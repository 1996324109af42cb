import { describe, expect, it, vi } from 'vitest';
import type { JobEventInput } from '@spedy/protocol/wire';
import { ApiError } from '../api/retry.ts';
import { SocketDownError } from '../api/socket.ts';
import { maskSecrets } from '../runner/mask.ts';
import { createJobStreamer, type EventTransport, type StreamerOptions } from './streamer.ts';

const quietLog = { warn: () => undefined, error: () => undefined };
const fastPolicy = { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 };

/** The platform's side of the stream: (job, seq) stored once, acknowledging the highest stored seq. */
function fakePlatform(lastStored = 0) {
  const stored = new Map<number, JobEventInput>();
  const sends: JobEventInput[][] = [];
  let high = lastStored;
  const store = (events: JobEventInput[]) => {
    for (const e of events) if (!stored.has(e.seq)) stored.set(e.seq, e);
    high = Math.max(high, ...events.map((e) => e.seq));
    return high;
  };
  return { stored, sends, store, ackedSeq: () => high };
}

function streamer(send: EventTransport, options: Partial<StreamerOptions> = {}) {
  return createJobStreamer({ jobId: 'job-1', lastSeq: 0, send, mask: (t) => t, log: quietLog, policy: fastPolicy, batchWindowMs: 5, ...options });
}

const log = (n: number) => ({ type: 'text', payload: { text: `line ${n}` } });

describe('job event streamer', () => {
  it('numbers events consecutively after the last stored one and delivers them in order', async () => {
    const platform = fakePlatform(41);
    const s = streamer(async (events) => (platform.sends.push(events), platform.store(events)), { lastSeq: 41 });
    for (let i = 1; i <= 30; i++) s.push(log(i));
    expect(await s.flush(2000)).toBe(true);
    const delivered = platform.sends.flat().map((e) => e.seq);
    expect(delivered).toEqual(Array.from({ length: 30 }, (_, i) => 42 + i));
    expect([...platform.stored.values()].map((e) => e.payload.text)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    expect(s.stats).toMatchObject({ lastSeq: 71, ackedSeq: 71, unacknowledged: 0 });
    s.close();
  });

  it('sends the first event after a quiet window at once, and what follows within the window at its end', async () => {
    const platform = fakePlatform();
    const s = streamer(async (events) => (platform.sends.push(events), platform.store(events)), { batchWindowMs: 80 });
    // The window is timed with setTimeout and Date.now, so a fake clock shows its exact edges.
    vi.useFakeTimers();
    try {
      s.push(log(1));
      await vi.advanceTimersByTimeAsync(0);
      expect(platform.sends.map((b) => b.map((e) => e.seq))).toEqual([[1]]);

      // 30 ms after that send: within its window, so the event waits for the window's end.
      await vi.advanceTimersByTimeAsync(30);
      s.push(log(2));
      s.push(log(3));
      await vi.advanceTimersByTimeAsync(49);
      expect(platform.sends).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(platform.sends.map((b) => b.map((e) => e.seq))).toEqual([[1], [2, 3]]);

      // A quiet window later the next event is the leading edge again.
      await vi.advanceTimersByTimeAsync(200);
      s.push(log(4));
      await vi.advanceTimersByTimeAsync(0);
      expect(platform.sends.map((b) => b.map((e) => e.seq))).toEqual([[1], [2, 3], [4]]);
    } finally {
      vi.useRealTimers();
    }
    s.close();
  });

  it('batches a burst: one send per window while events come faster than it', async () => {
    const platform = fakePlatform();
    const s = streamer(async (events) => (platform.sends.push(events), platform.store(events)), { batchWindowMs: 80 });
    vi.useFakeTimers();
    try {
      // An event every 10 ms for 200 ms: the first goes alone, then each window carries what came during it.
      for (let i = 1; i <= 20; i++) {
        s.push(log(i));
        await vi.advanceTimersByTimeAsync(10);
      }
      await vi.advanceTimersByTimeAsync(80);
    } finally {
      vi.useRealTimers();
    }
    expect(platform.sends.map((b) => b.length)).toEqual([1, 7, 8, 4]);
    expect(platform.sends.flat().map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(s.stats).toMatchObject({ ackedSeq: 20, unacknowledged: 0 });
    s.close();
  });

  it('sends in batches of at most batchSize', async () => {
    const platform = fakePlatform();
    const s = streamer(async (events) => (platform.sends.push(events), platform.store(events)), { batchSize: 5, batchWindowMs: 80 });
    for (let i = 1; i <= 13; i++) s.push(log(i));
    expect(await s.flush(2000)).toBe(true);
    const sizes = platform.sends.map((b) => b.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(13);
    s.close();
  });

  it('resends what was not acknowledged after a dropped connection, and the platform stores each event once', async () => {
    const platform = fakePlatform();
    let call = 0;
    const s = streamer(async (events) => {
      call++;
      platform.sends.push(events);
      // 2nd send: stored, but the connection drops before the ack. 3rd: drops before arriving.
      if (call === 2) {
        platform.store(events);
        throw new SocketDownError('The runner socket closed before the platform answered.');
      }
      if (call === 3) throw new SocketDownError('The runner socket is not open.');
      return platform.store(events);
    }, { batchSize: 4 });

    for (let i = 1; i <= 10; i++) s.push(log(i));
    expect(await s.flush(2000)).toBe(true);

    expect([...platform.stored.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Every batch starts at the oldest unacknowledged event: no gaps, only resends.
    let acked = 0;
    for (const [i, batch] of platform.sends.entries()) {
      expect(batch[0].seq).toBe(acked + 1);
      if (i !== 1 && i !== 2) acked = batch.at(-1)!.seq;
    }
    expect(platform.sends[2][0].seq).toBe(platform.sends[1][0].seq);
    expect(platform.sends.flat().length).toBeGreaterThan(10);
    s.close();
  });

  it('flush reports false when acknowledgements do not come in time, true once they do', async () => {
    const platform = fakePlatform();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = streamer(async (events) => {
      await gate;
      return platform.store(events);
    });
    s.push(log(1));
    expect(await s.flush(50)).toBe(false);
    release();
    expect(await s.flush(1000)).toBe(true);
    s.close();
  });

  it('gives up on a job the platform refuses (403) instead of resending forever', async () => {
    let calls = 0;
    const s = streamer(async () => {
      calls++;
      throw new ApiError('POST /api/v1/runners/jobs/job-1/events: 403 This job is not held by this runner', 403);
    });
    s.push(log(1));
    s.push(log(2));
    expect(await s.flush(1000)).toBe(false);
    expect(calls).toBe(1);
    // Once it has given up, a new event is not sent either: flushing fails at once.
    s.push(log(3));
    expect(await s.flush(1000)).toBe(false);
    expect(calls).toBe(1);
    s.close();
  });

  it('masks secrets in every string of the payload and keeps it storable', async () => {
    const platform = fakePlatform();
    const secret = 'sk-ant-very-secret-value';
    const s = streamer(async (events) => platform.store(events), { mask: (t) => maskSecrets(t, [secret]) });
    s.push({
      type: 'tool_result',
      payload: { output: `key is ${secret}`, nested: { list: [`"${secret}"`], [`${secret}-as-key`]: 1 }, nul: 'a\u0000b', lone: 'x\ud800y' },
    });
    expect(await s.flush(1000)).toBe(true);
    const stored = JSON.stringify(platform.stored.get(1));
    expect(stored).not.toContain(secret);
    expect(platform.stored.get(1)?.payload).toMatchObject({ output: 'key is ••••', nul: 'a\ufffdb', lone: 'x\ufffdy' });
    s.close();
  });

  it('backs off while the platform is down instead of resending with every new event', async () => {
    let calls = 0;
    const s = streamer(
      async () => {
        calls++;
        throw new ApiError('no answer', 0);
      },
      { batchSize: 2, policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 200 } },
    );
    const started = Date.now();
    for (let i = 1; i <= 40; i++) {
      s.push(log(i));
      await new Promise((r) => setTimeout(r, 5));
    }
    // At least 100 ms between attempts, however long a busy machine stretched the pauses above
    // (without the back-off every full batch of two would be sent: about 20 calls).
    const elapsed = Date.now() - started;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 100));
    s.close();
  });

  it('keeps a bounded queue while the platform is away and says how many events it dropped', async () => {
    const platform = fakePlatform();
    let online = false;
    const s = streamer(
      async (events) => {
        if (!online) throw new SocketDownError('The runner socket is not open.');
        return platform.store(events);
      },
      { maxQueuedEvents: 5 },
    );
    for (let i = 1; i <= 9; i++) s.push(log(i));
    expect(s.stats).toMatchObject({ unacknowledged: 5, dropped: 4 });
    online = true;
    expect(await s.flush(2000)).toBe(true);
    const stored = [...platform.stored.values()];
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored[5]).toMatchObject({ type: 'events_dropped', payload: { count: 4 } });
    s.close();
  });
});
