// Which git host credentials a repository uses: the bootstrap bundle's `git` entries
// (one per connected integration, local overrides applied by the supervisor's secrets).
// How those credentials authenticate lives with the clients (@spedy/protocol/git-providers/access).
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import type { JobSnapshot } from '@spedy/protocol/wire';

export type RepositorySnapshot = JobSnapshot['repositories'][number];

/** The integration for the repository's provider, if the organization connected one. */
export function providerAccessFor(repository: RepositorySnapshot, providers: readonly GitProviderAccess[]): GitProviderAccess | undefined {
  return providers.find((access) => access.provider === repository.provider);
}
