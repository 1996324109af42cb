// An epic run's one branch (`epic/<display-id>`) in a repository. A reset sets it to the base
// branch. A sub-run lands its one commit on it optimistically: fetch the branch as the remote
// has it now, rebase onto it, push without force; a push rejected because another sub-run
// landed first goes round again. Parallel sub-runs of one epic so land one at a time, and
// never overwrite each other; a real conflict ends the landing naming the files. A sub-run
// over several repositories checks that each rebases cleanly before it pushes any
// (landOnBranches), so a conflict in one does not leave the others landed.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RepositoryCheckout } from './checkout.ts';
import { GitCommandError, runGit, type GitCredentials } from './git-command.ts';
import type { RepositorySnapshot } from '../providers/provider-access.ts';

export interface RemoteAccess {
  credentials?: GitCredentials;
  /** HOME for git (a folder of the job). */
  home: string;
  signal?: AbortSignal;
}

/** The work conflicts with what other sub-runs landed on the branch since it started. */
export class EpicBranchConflictError extends Error {
  override name = 'EpicBranchConflictError';
  constructor(
    readonly repository: string,
    readonly branch: string,
    readonly files: string[],
  ) {
    super(`Landing on ${branch} in ${repository} conflicts in ${files.join(', ')}.`);
  }
}

/** Landing in a repository failed for another reason than a conflict or a busy branch (the git error is the cause). */
export class EpicBranchLandingError extends Error {
  override name = 'EpicBranchLandingError';
  constructor(
    readonly repository: string,
    readonly branch: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Every push was rejected: other sub-runs kept landing first. */
export class EpicBranchBusyError extends Error {
  override name = 'EpicBranchBusyError';
  constructor(
    readonly repository: string,
    readonly branch: string,
    readonly attempts: number,
  ) {
    super(`Another sub-run landed on ${branch} in ${repository} before each of ${attempts} pushes.`);
  }
}

/** How often a sub-run goes round (fetch, rebase, push) before it gives up; each rejection means another one landed. */
export const maxLandingAttempts = 20;

/**
 * Sets `branch` on the remote to the base branch's commit (creating it, or forcing it back
 * from an earlier run's work), from a shallow fetch of the base in `dir`. Returns that commit.
 */
export async function resetBranchToBase(repository: RepositorySnapshot, branch: string, dir: string, access: RemoteAccess): Promise<string> {
  const { home, credentials, signal } = access;
  await fs.rm(dir, { recursive: true, force: true });
  // git makes the folder: as the runner user, like a clone (git-command.ts).
  await runGit(['init', '--quiet', '--', dir], { cwd: path.dirname(dir), home });
  const base = `refs/remotes/origin/${repository.baseBranch}`;
  await runGit(['fetch', '--quiet', '--no-tags', '--depth', '1', repository.cloneUrl, `+refs/heads/${repository.baseBranch}:${base}`], { cwd: dir, home, credentials, signal });
  await runGit(['push', '--quiet', '--force', repository.cloneUrl, `${base}:refs/heads/${branch}`], { cwd: dir, home, credentials, signal });
  return (await runGit(['rev-parse', base], { cwd: dir, home })).stdout.trim();
}

/**
 * A push the remote refused because the branch moved on, as git reports it: not a fast-forward
 * of what the remote advertised, or (two pushes at the same moment) the remote's ref moved
 * between its advertisement and the update ("cannot lock ref … expected").
 */
function isRejectedAsBehind(error: unknown): boolean {
  return error instanceof GitCommandError && /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref/.test(error.stderr);
}

export interface Landing {
  /** The commit now at the head of the branch; null when the work was already on it (nothing to push). */
  commit: string | null;
  /** Rounds it took (1: nobody landed in between). */
  attempts: number;
}

/**
 * Lands the checkout's commits (one, after commitJob) on its branch on the remote: rebased
 * onto the remote's head, pushed without force, again when another landing came first.
 */
export async function landOnBranch(checkout: RepositoryCheckout, access: RemoteAccess, attempts = maxLandingAttempts): Promise<Landing> {
  const { dir, branch, repository } = checkout;
  const { home, credentials, signal } = access;
  const remoteHead = `refs/remotes/origin/${branch}`;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await rebaseOntoBranch(checkout, access);
    const head = (await runGit(['rev-parse', 'HEAD'], { cwd: dir, home })).stdout.trim();
    const onRemote = (await runGit(['rev-parse', remoteHead], { cwd: dir, home })).stdout.trim();
    if (head === onRemote) return { commit: null, attempts: attempt };
    try {
      await runGit(['push', '--quiet', repository.cloneUrl, `HEAD:refs/heads/${branch}`], { cwd: dir, home, credentials, signal });
      return { commit: head, attempts: attempt };
    } catch (error) {
      if (!isRejectedAsBehind(error)) throw error;
    }
  }
  throw new EpicBranchBusyError(repository.fullName, branch, attempts);
}

/**
 * Lands a sub-run's commits in every repository it changed, or in none when one of them
 * conflicts with what landed since: each is first rebased onto its branch as the remote has it
 * now, and only when all rebase cleanly are they pushed, one after another. Repositories share
 * no lock, so a conflicting landing of another sub-run in a later repository between that check
 * and this one's push still fails it there with the earlier ones landed: a narrow window
 * instead of the whole landing.
 */
export async function landOnBranches(checkouts: RepositoryCheckout[], accessOf: (checkout: RepositoryCheckout) => Promise<RemoteAccess>): Promise<(Landing & { checkout: RepositoryCheckout })[]> {
  const each = async <T>(checkout: RepositoryCheckout, step: (access: RemoteAccess) => Promise<T>): Promise<T> => {
    try {
      return await step(await accessOf(checkout));
    } catch (error) {
      if (error instanceof EpicBranchConflictError || error instanceof EpicBranchBusyError) throw error;
      throw new EpicBranchLandingError(checkout.repository.fullName, checkout.branch, error);
    }
  };
  for (const checkout of checkouts) await each(checkout, (access) => rebaseOntoBranch(checkout, access));
  const landings: (Landing & { checkout: RepositoryCheckout })[] = [];
  for (const checkout of checkouts) landings.push({ checkout, ...(await each(checkout, (access) => landOnBranch(checkout, access))) });
  return landings;
}

/** The checkout's commits rebased onto its branch as the remote has it now (fetched to refs/remotes/origin/<branch>). */
async function rebaseOntoBranch(checkout: RepositoryCheckout, access: RemoteAccess): Promise<void> {
  const { dir, branch, repository } = checkout;
  const { home, credentials, signal } = access;
  const remoteHead = `refs/remotes/origin/${branch}`;
  await runGit(['fetch', '--quiet', '--no-tags', repository.cloneUrl, `+refs/heads/${branch}:${remoteHead}`], { cwd: dir, home, credentials, signal });
  await rebaseOnto(checkout, remoteHead, home);
}

async function rebaseOnto(checkout: RepositoryCheckout, onto: string, home: string): Promise<void> {
  const { dir } = checkout;
  try {
    await runGit(['rebase', '--quiet', onto], { cwd: dir, home });
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    const conflicted = await runGit(['diff', '--name-only', '--diff-filter=U'], { cwd: dir, home });
    const files = conflicted.stdout.split('\n').filter(Boolean);
    await runGit(['rebase', '--abort'], { cwd: dir, home, okExitCodes: [128] });
    if (files.length === 0) throw error;
    throw new EpicBranchConflictError(checkout.repository.fullName, checkout.branch, files);
  }
}
