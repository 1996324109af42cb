// Host git for a job's workspace. Every command runs isolated from the operator's git
// configuration, never prompts, and gets credentials only for itself: a credential helper
// given with `-c` that reads the token from this one process's environment, so the token
// appears neither in the clone's .git/config nor in any process's argument list.
import { spawn } from 'node:child_process';
import { RUNNER_UID } from '../image/runner-image.ts';
import { maskSecrets } from '../runner/mask.ts';

/** Credentials for one remote: HTTP Basic, as GitHub (`x-access-token`) and Bitbucket expect. */
export interface GitCredentials {
  username: string;
  password: string;
}

/** Who the commits of a job are by. */
export const runnerIdentity = { name: 'Spedy Runner', email: 'runner@spedy.dev' } as const;

export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    /** git's own words (masked), for the reason a person reads. */
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no output'}`);
  }
}

export interface GitOptions {
  cwd: string;
  /** HOME for git (a folder of the job); the operator's ~/.gitconfig is never read. */
  home: string;
  credentials?: GitCredentials;
  signal?: AbortSignal;
  /** Exit codes that are answers rather than failures (e.g. 1 from `diff --quiet`). */
  okExitCodes?: number[];
  /** GIT_INDEX_FILE: an index of the caller's instead of the clone's own (working-tree.ts). */
  indexFile?: string;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Reads the credentials from the environment of the git process that asks, so they stay
// out of the argument list. `credential.helper=` first empties any inherited helper list.
const credentialHelper = '!f() { test "$1" = get || exit 0; echo "username=$SPEDY_GIT_USERNAME"; echo "password=$SPEDY_GIT_PASSWORD"; }; f';

/**
 * Runs git as the runner user (uid 1000) when the supervisor is root, so whatever git
 * writes in the workspace stays writable for the agent's containers.
 */
export function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  const config = [
    ['user.name', runnerIdentity.name],
    ['user.email', runnerIdentity.email],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
    // The agent can write the clone's .git: none of its hooks or fsmonitor commands run on the host.
    ['core.hooksPath', '/dev/null'],
    ['core.fsmonitor', 'false'],
    ...(options.credentials ? [['credential.helper', ''], ['credential.helper', credentialHelper]] : []),
  ].flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    NODE_ENV: 'production',
    HOME: options.home,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    ...(options.indexFile ? { GIT_INDEX_FILE: options.indexFile } : {}),
    ...(options.credentials ? { SPEDY_GIT_USERNAME: options.credentials.username, SPEDY_GIT_PASSWORD: options.credentials.password } : {}),
  };
  const asRunner = process.getuid?.() === 0 ? { uid: RUNNER_UID, gid: RUNNER_UID } : {};
  const secrets = options.credentials ? [options.credentials.password] : [];

  return new Promise((resolve, reject) => {
    const child = spawn('git', [...config, ...args], { cwd: options.cwd, env, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'], ...asRunner });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const exitCode = code ?? -1;
      if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) return resolve({ exitCode, stdout, stderr });
      reject(new GitCommandError(args, code, maskSecrets(stderr, secrets)));
    });
  });
}
