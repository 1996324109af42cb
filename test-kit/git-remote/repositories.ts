import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

// The bare repositories behind the remote, one per `owner/name`, at
// `<root>/<owner>/<name>.git`, read and written with the git CLI.

const exec = promisify(execFile);

const fullNamePattern = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

// No user or system configuration may change what these commands do.
const gitEnv: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  // Fail instead of asking for credentials on a terminal.
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Spedy Test Kit',
  GIT_AUTHOR_EMAIL: 'test-kit@spedy.invalid',
  GIT_COMMITTER_NAME: 'Spedy Test Kit',
  GIT_COMMITTER_EMAIL: 'test-kit@spedy.invalid',
};

export async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export function repositoryPath(root: string, fullName: string): string {
  if (!fullNamePattern.test(fullName) || fullName.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`Repository name "${fullName}" is not of the form owner/name`);
  }
  const [owner, name] = fullName.split('/');
  return join(root, owner ?? '', `${(name ?? '').replace(/\.git$/, '')}.git`);
}

export interface NewRepository {
  defaultBranch?: string;
  /** Path → content of the first commit on the default branch; none leaves the repository empty. */
  files?: Record<string, string>;
}

export async function createBareRepository(root: string, fullName: string, options: NewRepository): Promise<void> {
  const bare = repositoryPath(root, fullName);
  const branch = options.defaultBranch ?? 'main';
  await mkdir(dirname(bare), { recursive: true });
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
  await git(['config', 'http.receivepack', 'true'], bare);
  const files = Object.entries(options.files ?? {});
  if (files.length === 0) return;

  const work = await mkdtemp(join(tmpdir(), 'spedy-git-seed-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${branch}`], work);
    for (const [path, content] of files) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(['add', '--all'], work);
    await git(['commit', '--quiet', '-m', 'Initial commit'], work);
    await git(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function listBranches(root: string, fullName: string): Promise<string[]> {
  const output = await git(['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/'], repositoryPath(root, fullName));
  return output.split('\n').filter((line) => line !== '');
}

/** The file's content on the branch, or undefined when the branch or file does not exist. */
export async function readBranchFile(root: string, fullName: string, branch: string, path: string): Promise<string | undefined> {
  try {
    return await git(['cat-file', 'blob', `refs/heads/${branch}:${path}`], repositoryPath(root, fullName));
  } catch {
    return undefined;
  }
}
