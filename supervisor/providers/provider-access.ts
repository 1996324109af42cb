// Which git host credentials a repository uses: the bootstrap bundle's `git` entries
// (one per connected integration, local overrides applied by the supervisor's secrets).
// How those credentials authenticate lives with the clients (@spedy/protocol/git-providers/access).
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import type { z } from 'zod';
import type { repositorySnapshot } from '@spedy/protocol/wire';

/** A repository of the job as git work needs it (its setup commands are the setup layer's, supervisor/runner/setup-layer.ts). */
export type RepositorySnapshot = z.input<typeof repositorySnapshot>;

/** The integration for the repository's provider, if the organization connected one. */
export function providerAccessFor(repository: RepositorySnapshot, providers: readonly GitProviderAccess[]): GitProviderAccess | undefined {
  return providers.find((access) => access.provider === repository.provider);
}
