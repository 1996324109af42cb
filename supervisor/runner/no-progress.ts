// "No progress" (issue 14): the same validation failure (same command, exit code and
// output) several times in a row, or the same change left by several attempts in a row
// (the workspace's content after each attempt whose validation failed), means the agent is
// going round in circles. The stage then asks a person instead of spending the rest of its
// retries and budget.
import path from 'node:path';
import { workingTreeId } from '../git/working-tree.ts';
import type { JobRun } from './job-run.ts';
import type { StagePlace } from './stage-containers.ts';
import type { ValidationFailure } from './validation.ts';

/** Identical failures (or changes) in a row that pause the stage. */
export const noProgressRepeats = 3;

/** Counts attempts in a row that left the same change (the same working trees); another change starts over. */
export class RepeatedChanges {
  private last: string | null = null;
  private count = 0;

  /** Records a key and returns how many times in a row it came. */
  record(key: string): number {
    this.count = key === this.last ? this.count + 1 : 1;
    this.last = key;
    return this.count;
  }

  reset(): void {
    this.last = null;
    this.count = 0;
  }
}

/** Counts identical validation failures in a row; any other outcome starts over. */
export class RepeatedFailures {
  private readonly repeats = new RepeatedChanges();

  /** Records a failure and returns how many times in a row it happened. */
  record(failure: ValidationFailure): number {
    return this.repeats.record(JSON.stringify([failure.command, failure.exitCode, failure.output]));
  }

  reset(): void {
    this.repeats.reset();
  }
}

export function noProgressReason(command: string, times: number): string {
  return `No progress: \`${command}\` failed the same way ${times} times`;
}

export function sameChangeReason(times: number): string {
  return `No progress: the same change was produced ${times} times`;
}

/** What the stage's attempt left: the working tree of each of its repositories, as one key; null without repositories. */
export async function attemptChange(run: JobRun, place: StagePlace): Promise<string | null> {
  if (run.repositoryFolders.length === 0) return null;
  const trees = [];
  for (const folder of run.repositoryFolders) trees.push(await workingTreeId(path.join(place.workspace, folder), run.layout.home));
  return trees.join(' ');
}
