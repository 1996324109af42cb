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
