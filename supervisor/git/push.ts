// Pushing a job's branch, and what must hold first. The agent had the clone's .git in its
// container, so before host git works with credentials the clone's config is written anew
// (an agent's `url.*.insteadOf`, remote URL, filters or hooks would otherwise send the
// token elsewhere or run on the host), and the branch is scanned for secrets: its diff
// and every commit message on it, in every form the masker knows. A finding stops the push.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SecretFormKind } from '../runner/mask.ts';
import type { RepositoryCheckout } from './checkout.ts';
import { runGit, type GitCredentials } from './git-command.ts';

/** Pushes the job's branch to the repository's remote; the credentials go to this command only. */
export async function pushJobBranch(checkout: RepositoryCheckout, options: { credentials?: GitCredentials; home: string; signal?: AbortSignal }): Promise<void> {
  await runGit(['push', '--quiet', checkout.repository.cloneUrl, `HEAD:refs/heads/${checkout.branch}`], { cwd: checkout.dir, ...options });
}

/** Pushes a checkpoint commit to its hidden ref, replacing the one before (a job's next checkpoint). */
export async function pushCheckpoint(
  checkout: RepositoryCheckout,
  checkpoint: { commit: string; ref: string },
  options: { credentials?: GitCredentials; home: string; signal?: AbortSignal },
): Promise<void> {
  await runGit(['push', '--quiet', '--force', checkout.repository.cloneUrl, `${checkpoint.commit}:${checkpoint.ref}`], { cwd: checkout.dir, ...options });
}

/** Deletes a checkpoint ref from the remote (one already gone is no error); false when the remote refused. */
export async function deleteCheckpointRef(checkout: RepositoryCheckout, ref: string, options: { credentials?: GitCredentials; home: string; signal?: AbortSignal }): Promise<boolean> {
  return runGit(['push', '--quiet', checkout.repository.cloneUrl, `:${ref}`], { cwd: checkout.dir, ...options }).then(
    () => true,
    () => false,
  );
}

/**
 * The clone's .git/config as a fresh clone has it (nothing the agent added survives), and no
 * hooks. Host git calls pass core.hooksPath=/dev/null too (git-command.ts); this also drops
 * filters, insteadOf rewrites and a changed remote URL, which `-c` cannot undo.
 */
export async function resetGitConfig(checkout: RepositoryCheckout): Promise<void> {
  const gitDir = path.join(checkout.dir, '.git');
  const config = [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tfilemode = true',
    '\tbare = false',
    '\tlogallrefupdates = true',
    '[remote "origin"]',
    `\turl = ${checkout.repository.cloneUrl}`,
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    '',
  ].join('\n');
  await fs.writeFile(path.join(gitDir, 'config'), config);
  await fs.rm(path.join(gitDir, 'hooks'), { recursive: true, force: true });
}

/** Where a secret was found on the branch: a file (by path) or a commit message. */
export interface SecretFinding {
  /** The secret's name (a vault entry's, "the GitHub token"…), never its value. */
  name: string;
  where: string;
  kind: SecretFormKind;
}

export type FindSecrets = (text: string) => { name: string; kind: SecretFormKind }[];

/** Each file's added lines of `git diff --text` (binary files as text), keyed by path. */
function addedLinesByFile(diff: string): Map<string, string> {
  const files = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
    if (header) {
      const file = header[2]!;
      current = files.get(file) ?? [file];
      files.set(file, current);
      continue;
    }
    if (!current || line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) current.push(line.slice(1));
  }
  return new Map([...files].map(([file, lines]) => [file, lines.join('\n')]));
}

/**
 * Every secret on the job's branch since its base: in what the diff adds (file names included)
 * and in each commit message. `head`: a commit other than HEAD (a checkpoint's).
 */
export async function scanJobBranch(checkout: RepositoryCheckout, options: { home: string; find: FindSecrets; head?: string }): Promise<SecretFinding[]> {
  const { dir, baseSha } = checkout;
  const head = options.head ?? 'HEAD';
  const findings: SecretFinding[] = [];
  const diff = await runGit(['diff', '--text', '--no-color', '--no-ext-diff', '--no-renames', '-U0', baseSha, head], { cwd: dir, home: options.home });
  for (const [file, text] of addedLinesByFile(diff.stdout)) {
    for (const found of options.find(text)) findings.push({ name: found.name, where: file, kind: found.kind });
  }
  const log = await runGit(['log', '--format=%H%n%B%x00', `${baseSha}..${head}`], { cwd: dir, home: options.home });
  for (const entry of log.stdout.split('\u0000')) {
    const [sha, ...message] = entry.trim().split('\n');
    if (!sha) continue;
    for (const found of options.find(message.join('\n'))) findings.push({ name: found.name, where: `the message of commit ${sha.slice(0, 12)}`, kind: found.kind });
  }
  return findings;
}
