// Turning what the stages left in a working tree into commits.
import { runGit } from './git-command.ts';
import type { RepositoryCheckout } from './checkout.ts';
import { workingTreeId } from './working-tree.ts';

/** Whether the index differs from HEAD (after `git add -A`). */
async function hasStagedChanges(dir: string, home: string): Promise<boolean> {
  const diff = await runGit(['diff', '--cached', '--quiet'], { cwd: dir, home, okExitCodes: [1] });
  return diff.exitCode === 1;
}

/** Commits every change in `dir` (new, edited and deleted files) on its current branch; false when there was none. */
export async function commitAll(dir: string, message: string, home: string): Promise<boolean> {
  await runGit(['add', '--all'], { cwd: dir, home });
  if (!(await hasStagedChanges(dir, home))) return false;
  await runGit(['commit', '--quiet', '--no-verify', '--message', message], { cwd: dir, home });
  return true;
}

/**
 * The job's one commit: everything since the base commit (the stages' work, including
 * the intermediate commits of parallel steps) squashed into a single commit on the job's
 * branch. Returns its sha, or null when the job changed nothing.
 */
export async function commitJob(checkout: RepositoryCheckout, message: string, home: string): Promise<string | null> {
  const { dir, baseSha } = checkout;
  await runGit(['add', '--all'], { cwd: dir, home });
  await runGit(['reset', '--quiet', '--soft', baseSha], { cwd: dir, home });
  if (!(await hasStagedChanges(dir, home))) return null;
  await runGit(['commit', '--quiet', '--no-verify', '--message', message], { cwd: dir, home });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: dir, home })).stdout.trim();
}

/**
 * A commit of everything in `dir`'s working tree on top of HEAD, made without moving the
 * branch, the index or any file (a checkpoint: runner/checkpoint.ts). Later stages see the
 * clone exactly as they would without checkpoints (a reviewer's `git diff` still shows the
 * work). Returns its id.
 */
export async function commitWorkingTree(dir: string, message: string, home: string): Promise<string> {
  const tree = await workingTreeId(dir, home);
  const commit = await runGit(['commit-tree', tree, '-p', 'HEAD', '-m', message], { cwd: dir, home });
  return commit.stdout.trim();
}
