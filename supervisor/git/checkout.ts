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
  credentials?: GitCredentials;
  /** HOME for git (a folder of the job). */
  home: string;
  signal?: AbortSignal;
}

async function existingCheckout(options: CheckoutOptions): Promise<RepositoryCheckout | null> {
  const { dir, branch, repository, home } = options;
  try {
    await fs.access(path.join(dir, '.git'));
    await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: dir, home });
    const base = await runGit(['rev-parse', `refs/remotes/origin/${repository.baseBranch}`], { cwd: dir, home });
    return { repository, dir, branch, baseSha: base.stdout.trim() };
  } catch {
    return null;
  }
}

/**
 * Clones the repository at its base branch and creates the job's branch. A checkout left
 * by an earlier attempt of this job (Stop, then Continue) is reused; a half-made one is
 * cloned again.
 */
export async function checkoutRepository(options: CheckoutOptions): Promise<RepositoryCheckout> {
  const existing = await existingCheckout(options);
  if (existing) return existing;
  const { repository, dir, branch, home, credentials, signal } = options;
  await fs.rm(dir, { recursive: true, force: true });
  await runGit(['clone', '--quiet', '--branch', repository.baseBranch, '--', repository.cloneUrl, dir], {
    cwd: path.dirname(dir),
    home,
    credentials,
    signal,
  });
  await runGit(['switch', '--quiet', '--create', branch], { cwd: dir, home, signal });
  const head = await runGit(['rev-parse', 'HEAD'], { cwd: dir, home });
  return { repository, dir, branch, baseSha: head.stdout.trim() };
}
