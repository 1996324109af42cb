/** A measurement loop that always ends: a fixed number of samples or a time limit, whichever comes first. */
export type SampleLoop = {
  /** Runs measured and thrown away first (JIT, caches, connections). */
  warmup: number;
  count: number;
  timeLimitMs: number;
  signal: AbortSignal;
};

export type SampleRun = { samples: number[]; wanted: number; timedOut: boolean };

export async function collectSamples(loop: SampleLoop, measure: (index: number) => Promise<number>): Promise<SampleRun> {
  const deadline = performance.now() + loop.timeLimitMs;
  const samples: number[] = [];
  for (let i = 0; i < loop.warmup + loop.count; i++) {
    loop.signal.throwIfAborted();
    if (performance.now() > deadline) return { samples, wanted: loop.count, timedOut: true };
    const value = await measure(i);
    if (i >= loop.warmup) samples.push(value);
  }
  return { samples, wanted: loop.count, timedOut: false };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function describeRun(run: SampleRun): string {
  const n = `${run.samples.length}${run.timedOut ? ` of ${run.wanted}, time limit hit` : ''} samples`;
  return `${n}; min ${Math.min(...run.samples).toFixed(1)}, max ${Math.max(...run.samples).toFixed(1)} ms`;
}
