// Asking a git provider about one repository (through the shared clients in
// @spedy/protocol/git-providers): its canonical name, clone URL and default branch (which
// becomes the repository's base branch when it is linked). Refusals become a sentence for
// the person linking; tokens never appear in them.
import { bitbucketClient } from '@spedy/protocol/git-providers/bitbucket';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import { githubClient } from '@spedy/protocol/git-providers/github';
import type { ProviderRepository } from '@spedy/protocol/git-providers/repository';
import { SpedyError } from '@spedy/protocol/errors';
import { platformProviderTransport, unansweredMessage } from '../integrations/provider-transport.ts';
import { repositoryProviderLabels, type LinkableProvider as RepositoryProvider } from './link-input.ts';

export type RepositoryFacts = Omit<ProviderRepository, 'defaultBranch'> & { provider: RepositoryProvider; defaultBranch: string };

const refused = (message: string) => new SpedyError('invalid', message);

function explainRefusal(provider: RepositoryProvider, fullName: string, error: ProviderApiError, where: string): SpedyError {
  const label = repositoryProviderLabels[provider];
  if (error.status === 0) return refused(unansweredMessage(error));
  if (error.status === 401) return refused(`${label} refused the integration's token (${error.said ?? 'bad credentials'}). Replace the token under Settings → Integrations.`);
  if (error.status === 404 || error.status === 403) {
    return refused(`${label} has no repository ${fullName} that the ${label} integration's token can reach. Check the name, and that the token has access to the repository.`);
  }
  return refused(`${label} answered ${error.status} for ${fullName}${error.said ? `: ${error.said}` : ''} (${where}). Try again in a moment.`);
}

async function lookUp(provider: RepositoryProvider, fullName: string, where: string, ask: () => Promise<ProviderRepository>): Promise<RepositoryFacts> {
  let found: ProviderRepository;
  try {
    found = await ask();
  } catch (error) {
    if (error instanceof ProviderApiError) throw explainRefusal(provider, fullName, error, where);
    throw error;
  }
  if (!found.defaultBranch) {
    throw refused(`${repositoryProviderLabels[provider]} reports no default branch for ${found.fullName}; it is probably empty. Push a first commit, then link it.`);
  }
  return { provider, ...found, defaultBranch: found.defaultBranch };
}

export function lookUpGithubRepository(input: { apiUrl: string; token: string; fullName: string }): Promise<RepositoryFacts> {
  return lookUp('github', input.fullName, input.apiUrl, () => githubClient(input, platformProviderTransport()).repository(input.fullName));
}

export function lookUpBitbucketRepository(input: { apiUrl: string; username: string | null; email?: string | null; token: string; fullName: string }): Promise<RepositoryFacts> {
  return lookUp('bitbucket', input.fullName, input.apiUrl, () => bitbucketClient(input, platformProviderTransport()).repository(input.fullName));
}
