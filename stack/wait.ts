import { StackError } from './errors.ts';
import type { ManagedProcess } from './process-group.ts';
import { abortError, sleep } from './time.ts';

/** A service did not become ready (exited, or timed out). */
export class ReadinessError extends StackError {
  override name = 'ReadinessError';
}

/**
 * Polls `url` until it answers 200. Fails when `timeoutMs` passes, when `proc`
 * exits first, or when `signal` aborts.
 */
export async function waitForHttpOk(
  url: string,
  options: { timeoutMs: number; proc?: ManagedProcess; signal?: AbortSignal; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal);
    if (options.proc?.hasExited()) {
      const { code, signal } = await options.proc.exited;
      throw new ReadinessError(
        `${options.proc.name} exited (${signal ?? `code ${code}`}) before it was ready.`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) return;
      lastProblem = `HTTP ${res.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      lastProblem = cause?.code ?? (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new ReadinessError(
        `${options.proc?.name ?? url} was not ready within ${Math.round(options.timeoutMs / 1000)} s ` +
          `(GET ${url}: ${lastProblem}).`,
      );
    }
    await sleep(options.intervalMs ?? 250, options.signal);
  }
}
