// A job's repositories on the host: cloned at their base branch, with the job's branch
// created on top. Credentials are given to each git command alone (git-command.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RepositorySnapshot } from '../providers/provider-access.ts';
import { runGit, type GitCredentials } from './git-command.ts';

export interface RepositoryCheckout {
  repository: RepositorySnapshot;
  /** The clone on the host: `<jobDir>/workspace/<repository name>`. */
  dir: string;
  /** The job's branch, checked out in `dir`. */
  branch: string;
  /** The base branch's commit the job started from. */
  baseSha: string;
}

export interface CheckoutOptions {
  repository: RepositorySnapshot;
  dir: string;
  branch: string;
  /** The remote branch the clone starts from: the base branch unless given (an epic run's branch, which is then `branch` itself). */
  from?: string;
  credentials?: GitCredentials;
  /** HOME for git (a folder of the job). */
  home: string;
  signal?: AbortSignal;
  /** The job's checkpoint in this repository: a new clone starts from it (resumeFromCheckpoint). */
  checkpoint?: { ref: string; commit: string };
}

async function existingCheckout(options: CheckoutOptions): Promise<RepositoryCheckout | null> {
  const { dir, branch, repository, home } = options;
  try {
    await fs.access(path.join(dir, '.git'));
    await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: dir, home });
    const base = await runGit(['rev-parse', `refs/remotes/origin/${options.from ?? repository.baseBranch}`], { cwd: dir, home });
    return { repository, dir, branch, baseSha: base.stdout.trim() };
  } catch {
    return null;
  }
}

/**
 * Clones the repository at its base branch and creates the job's branch (an epic run's job
 * clones the run's branch and works on it: `from` is `branch`). A checkout left
 * by an earlier attempt of this job (Stop, then Continue) is reused; a half-made one is
 * cloned again. With a checkpoint, a new clone continues from it.
 */
export async function checkoutRepository(options: CheckoutOptions): Promise<RepositoryCheckout> {
  const existing = await existingCheckout(options);
  if (existing) return existing;
  const { repository, dir, branch, home, credentials, signal } = options;
  const from = options.from ?? repository.baseBranch;
  await fs.rm(dir, { recursive: true, force: true });
  await runGit(['clone', '--quiet', '--branch', from, '--', repository.cloneUrl, dir], {
    cwd: path.dirname(dir),
    home,
    credentials,
    signal,
  });
  if (options.checkpoint) return resumeFromCheckpoint(options, options.checkpoint);
  if (from !== branch) await runGit(['switch', '--quiet', '--create', branch], { cwd: dir, home, signal });
  const head = await runGit(['rev-parse', 'HEAD'], { cwd: dir, home });
  return { repository, dir, branch, baseSha: head.stdout.trim() };
}

/** The checkpoint's ref is gone or no longer holds its commit. */
export class CheckpointMissingError extends Error {
  override name = 'CheckpointMissingError';
}

/**
 * In a fresh clone: the job's branch as it was when the checkpoint was saved. The checkpoint
 * commit holds the working tree on top of the branch's head then (git/commit.ts
 * commitWorkingTree), so the branch goes to its parent and the work comes back as changes in
 * the working tree, as the next stage would have found it on the runner that saved it. The
 * base is where the job started (the merge base; the base branch may have moved on since), so
 * delivery still squashes the whole job into one commit on it.
 */
async function resumeFromCheckpoint(options: CheckoutOptions, checkpoint: { ref: string; commit: string }): Promise<RepositoryCheckout> {
  const { repository, dir, branch, home, credentials, signal } = options;
  try {
    await runGit(['fetch', '--quiet', '--no-tags', repository.cloneUrl, `+${checkpoint.ref}:refs/spedy/checkpoint`], { cwd: dir, home, credentials, signal });
    await runGit(['cat-file', '-e', `${checkpoint.commit}^{commit}`], { cwd: dir, home });
  } catch (error) {
    throw new CheckpointMissingError(
      `The checkpoint ${checkpoint.commit.slice(0, 12)} is no longer at ${checkpoint.ref} in ${repository.fullName} (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  // --force-create: a clone of an epic run's branch has it already.
  await runGit(['switch', '--quiet', '--force-create', branch, checkpoint.commit], { cwd: dir, home, signal });
  await runGit(['reset', '--quiet', '--mixed', `${checkpoint.commit}^`], { cwd: dir, home, signal });
  await runGit(['update-ref', '-d', 'refs/spedy/checkpoint'], { cwd: dir, home });
  const base = await runGit(['merge-base', 'HEAD', `refs/remotes/origin/${options.from ?? repository.baseBranch}`], { cwd: dir, home });
  return { repository, dir, branch, baseSha: base.stdout.trim() };
}
