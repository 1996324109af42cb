// Which git host credentials a repository uses: the bootstrap bundle's `git` entries
// (one per connected integration, local overrides applied by the supervisor's secrets).
import type { BootstrapResponse, JobSnapshot } from '@spedy/protocol/wire';

export type GitProviderAccess = BootstrapResponse['git'][number];
export type RepositorySnapshot = JobSnapshot['repositories'][number];

/** The integration for the repository's provider, if the organization connected one. */
export function providerAccessFor(repository: RepositorySnapshot, providers: readonly GitProviderAccess[]): GitProviderAccess | undefined {
  return providers.find((access) => access.provider === repository.provider);
}

/**
 * HTTPS credentials for git: GitHub takes any user name with a token (`x-access-token` by
 * convention); Bitbucket takes an app password with its account's user name, or an
 * access token with `x-token-auth`.
 */
export function gitCredentialsFor(access: GitProviderAccess | undefined): { username: string; password: string } | undefined {
  if (!access) return undefined;
  if (access.provider === 'github') return { username: 'x-access-token', password: access.token };
  return { username: access.username ?? 'x-token-auth', password: access.token };
}
