import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../runner/job-context.ts';
import { InfrastructureFailure, JobStopped } from '../runner/failures.ts';
import { runnerImageForJob, startRunnerImagePreparation } from './preparation.ts';

/** A preparation whose outcome the test decides. */
function deferred() {
  let resolve!: (tag: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function clock(start: number) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

function jobContext(signal = new AbortController().signal) {
  const events: JobEvent[] = [];
  return { events, ctx: { emit: (event: JobEvent) => void events.push(event), signal } };
}

describe('runner image preparation', () => {
  it('reports preparing from the start, then ready with when it ended, and tells listeners of each change', async () => {
    const time = clock(1_000);
    const build = deferred();
    const preparation = startRunnerImagePreparation(() => build.promise, time.now);
    const seen: string[] = [];
    preparation.onChange((status) => seen.push(status.state));
    expect(preparation.status()).toEqual({ state: 'preparing', startedAt: 1_000 });
    time.advance(41_000);
    build.resolve('spedy-runner:abc');
    expect(await preparation.ready()).toBe('spedy-runner:abc');
    expect(preparation.status()).toEqual({ state: 'ready', startedAt: 1_000, endedAt: 42_000 });
    expect(seen).toEqual(['ready']);
  });

  it('reports a failure with its reason, and prepares again when the next job asks', async () => {
    const time = clock(5_000);
    const attempts = [deferred(), deferred()];
    let calls = 0;
    const preparation = startRunnerImagePreparation(() => attempts[calls++]!.promise, time.now);
    attempts[0]!.reject(new Error('Building the runner image failed: no space left on device'));
    await expect(preparation.ready()).rejects.toThrow('no space left');
    expect(preparation.status()).toMatchObject({ state: 'failed', reason: 'Building the runner image failed: no space left on device' });
    time.advance(60_000);
    const second = preparation.ready();
    expect(calls).toBe(2);
    expect(preparation.status()).toEqual({ state: 'preparing', startedAt: 65_000 });
    attempts[1]!.resolve('spedy-runner:second');
    expect(await second).toBe('spedy-runner:second');
  });

  it('keeps the failure as the status until a job asks again', async () => {
    const build = deferred();
    const preparation = startRunnerImagePreparation(() => build.promise, () => 7);
    build.reject(new Error('debootstrap is not installed.'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(preparation.status()).toEqual({ state: 'failed', startedAt: 7, endedAt: 7, reason: 'debootstrap is not installed.' });
  });
});

describe('a job waiting for the runner image', () => {
  it('gets a ready image at once, with nothing in its feed', async () => {
    const preparation = startRunnerImagePreparation(async () => 'spedy-runner:ready');
    await preparation.ready();
    const { events, ctx } = jobContext();
    expect(await runnerImageForJob(preparation, ctx)).toBe('spedy-runner:ready');
    expect(events).toEqual([]);
  });

  it('shows that it waits, then that the image is ready', async () => {
    const build = deferred();
    const preparation = startRunnerImagePreparation(() => build.promise, () => 100);
    const { events, ctx } = jobContext();
    const waiting = runnerImageForJob(preparation, ctx);
    expect(events).toEqual([{ type: 'runner_image', payload: { state: 'preparing', startedAt: 100 } }]);
    build.resolve('spedy-runner:new');
    expect(await waiting).toBe('spedy-runner:new');
    expect(events.map((e) => e.payload.state)).toEqual(['preparing', 'ready']);
  });

  it('ends in Error with the reason the preparation failed', async () => {
    const build = deferred();
    const preparation = startRunnerImagePreparation(() => build.promise, () => 100);
    const { events, ctx } = jobContext();
    const waiting = runnerImageForJob(preparation, ctx);
    build.reject(new Error('The runner image’s base spedy-base:bookworm is not in the Docker engine.'));
    const failure = await waiting.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfrastructureFailure);
    expect((failure as Error).message).toBe('The runner image could not be prepared: The runner image’s base spedy-base:bookworm is not in the Docker engine.');
    expect(events.at(-1)).toMatchObject({ type: 'runner_image', payload: { state: 'failed', reason: expect.stringContaining('spedy-base:bookworm') } });
  });

  it('stops waiting when the job is stopped', async () => {
    const preparation = startRunnerImagePreparation(() => new Promise<string>(() => {}));
    const abort = new AbortController();
    const { ctx } = jobContext(abort.signal);
    const waiting = runnerImageForJob(preparation, ctx);
    abort.abort('stopped by user');
    await expect(waiting).rejects.toBeInstanceOf(JobStopped);
  });
});
