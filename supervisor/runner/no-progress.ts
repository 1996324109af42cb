// "No progress" (issue 14): the same validation failure (same command, exit code and
// output) several times in a row means the agent is going round in circles. The stage
// then asks a person instead of spending the rest of its retries and budget.
import type { ValidationFailure } from './validation.ts';

/** Identical failures in a row that pause the stage. */
export const noProgressRepeats = 3;

/** Counts identical validation failures in a row; any other outcome starts over. */
export class RepeatedFailures {
  private last: string | null = null;
  private count = 0;

  /** Records a failure and returns how many times in a row it happened. */
  record(failure: ValidationFailure): number {
    const key = JSON.stringify([failure.command, failure.exitCode, failure.output]);
    this.count = key === this.last ? this.count + 1 : 1;
    this.last = key;
    return this.count;
  }

  reset(): void {
    this.last = null;
    this.count = 0;
  }
}

export function noProgressReason(command: string, times: number): string {
  return `No progress: \`${command}\` failed the same way ${times} times`;
}
