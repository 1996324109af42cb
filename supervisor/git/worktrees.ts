// Parallel stages that write each get their own git worktree: a branch off the job's
// branch in a folder of their own, merged back into the job's branch when the step ends.
import fs from 'node:fs/promises';
import path from 'node:path';
import { commitAll } from './commit.ts';
import { GitCommandError, runGit } from './git-command.ts';

/** Two or more stages changed the same lines; the step fails naming the files. */
export class MergeConflictError extends Error {
  override name = 'MergeConflictError';
  constructor(
    readonly repository: string,
    readonly stage: string,
    readonly files: string[],
  ) {
    super(`Merging the work of stage "${stage}" in ${repository} conflicts in ${files.join(', ')}.`);
  }
}

export interface StageWorktree {
  /** The main clone, on the job's branch. */
  repoDir: string;
  /** The worktree's folder. */
  dir: string;
  /** The stage's branch, e.g. `spedy/spd-42-add-dark-mode-x7k2q9--api`. */
  branch: string;
}

/** Creates the worktree on a new branch at the job branch's head; one left by an earlier attempt is reused. */
export async function addStageWorktree(worktree: StageWorktree, home: string): Promise<void> {
  try {
    await fs.access(path.join(worktree.dir, '.git'));
    return;
  } catch {
    // not there yet
  }
  await runGit(['worktree', 'prune'], { cwd: worktree.repoDir, home });
  const exists = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${worktree.branch}`], { cwd: worktree.repoDir, home, okExitCodes: [1] });
  const args = exists.exitCode === 0 ? [worktree.dir, worktree.branch] : ['-b', worktree.branch, worktree.dir, 'HEAD'];
  await runGit(['worktree', 'add', '--quiet', ...args], { cwd: worktree.repoDir, home });
}

/**
 * Commits each stage's work in its worktree and merges the stage branches into the job's
 * branch, in order. On a conflict the merge is undone and a MergeConflictError names the
 * files; the worktrees stay for inspection.
 */
export async function mergeStageWorktrees(
  repository: string,
  worktrees: (StageWorktree & { stage: string })[],
  home: string,
): Promise<void> {
  for (const worktree of worktrees) await commitAll(worktree.dir, `Spedy: work of stage "${worktree.stage}"`, home);
  for (const worktree of worktrees) {
    const repoDir = worktree.repoDir;
    try {
      await runGit(['merge', '--no-ff', '--no-edit', '--quiet', '-m', `Spedy: merge stage "${worktree.stage}"`, worktree.branch], { cwd: repoDir, home });
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      const conflicted = await runGit(['diff', '--name-only', '--diff-filter=U'], { cwd: repoDir, home });
      const files = conflicted.stdout.split('\n').filter(Boolean);
      if (files.length === 0) throw error;
      await runGit(['merge', '--abort'], { cwd: repoDir, home });
      throw new MergeConflictError(repository, worktree.stage, files);
    }
  }
  for (const worktree of worktrees) {
    await runGit(['worktree', 'remove', '--force', worktree.dir], { cwd: worktree.repoDir, home });
    await runGit(['branch', '--quiet', '-D', worktree.branch], { cwd: worktree.repoDir, home });
  }
}
