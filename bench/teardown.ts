import { errorDetails } from '../stack/errors.ts';
import os from 'node:os';
/**
 * Everything the bench starts registers how to stop it here; `run()` stops all of it,
 * newest first, once, whether the bench finished, failed or was interrupted.
 */
export class Teardown {
  private steps: { what: string; stop: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, stop: () => unknown): void {
    // Started after an interrupt already tore everything down: stop it right behind the rest.
    if (this.running) this.running = this.running.then(() => this.stopOne({ what, stop }));
    else this.steps.push({ what, stop });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await this.stopOne(step);
    })();
    return this.running;
  }

  private async stopOne(step: { what: string; stop: () => unknown }): Promise<void> {
    try {
      await step.stop();
    } catch (err) {
      console.error(`  ! stopping ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * Ctrl-C (or SIGTERM/SIGHUP) aborts the returned signal and runs the teardown, so a
 * bench stops every process it started however it ends.
 */
export function abortOnSignals(teardown: Teardown): { interrupt: AbortController; abort: (reason: string) => void } {
  const interrupt = new AbortController();
  const abort = (reason: string) => {
    if (interrupt.signal.aborted) return;
    console.error(`\n${reason}: stopping the bench…`);
    interrupt.abort(new Error(reason));
    // Closing browsers and clients makes whatever is in flight fail fast; main's finally waits for the rest.
    void teardown.run();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => abort(signal));
  return { interrupt, abort };
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Runs a bench's main, reports a failure readably, stops everything it started, and exits. */
export async function runBench(main: () => Promise<void>, teardown: Teardown, interrupt: AbortController): Promise<never> {
  let exitCode = 0;
  try {
    await main();
  } catch (err) {
    exitCode = 1;
    if (!interrupt.signal.aborted) {
      const details = errorDetails(err);
      const what = err instanceof Error ? (details ? err.message : (err.stack ?? err.message)) : String(err);
      console.error(`\n✗ The bench failed: ${what}${details ? `\n${details}` : ''}`);
    }
  } finally {
    console.log('\nStopping everything the bench started…');
    await teardown.run();
  }
  process.exit(interrupt.signal.aborted ? 130 : exitCode);
}
