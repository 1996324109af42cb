import { runGit, type GitCredentials } from './git-command.ts';
import type { RepositoryCheckout } from './checkout.ts';

/** Pushes the job's branch to the repository's remote; the credentials go to this command only. */
export async function pushJobBranch(checkout: RepositoryCheckout, options: { credentials?: GitCredentials; home: string; signal?: AbortSignal }): Promise<void> {
  await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${checkout.branch}`], { cwd: checkout.dir, ...options });
}
