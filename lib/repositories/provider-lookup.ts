// Asking a git provider about one repository: its canonical name, clone URL and default
// branch (which becomes the repository's base branch when it is linked).
//   GitHub:    GET {apiUrl}/repos/{owner}/{repo}                → default_branch, clone_url
//   Bitbucket: GET {apiUrl}/repositories/{workspace}/{slug}     → mainbranch.name, links.clone
//   GitLab:    GET {apiUrl}/projects/{url-encoded path}         → default_branch, http_url_to_repo
// Refusals become a sentence for the person linking; tokens never appear in them.
import { SpedyError } from '@spedy/protocol/errors';
import { providerMessage, providerRequest, ProviderUnreachableError, type ProviderResponse } from '../integrations/provider-request.ts';
import { repositoryProviderLabels, type RepositoryProvider } from './link-input.ts';

export type RepositoryFacts = {
  provider: RepositoryProvider;
  /** owner/name (GitLab: the full namespace path) as the provider spells it. */
  fullName: string;
  /** The folder the runner checks out into (/workspace/{name}). */
  name: string;
  cloneUrl: string;
  defaultBranch: string;
};

const refused = (message: string) => new SpedyError('invalid', message);

function explainRefusal(provider: RepositoryProvider, fullName: string, res: ProviderResponse, where: string): SpedyError {
  const label = repositoryProviderLabels[provider];
  const said = providerMessage(res.body);
  if (res.status === 401) {
    return refused(
      provider === 'gitlab'
        ? `GitLab asks for a sign-in to read ${fullName}. Spedy reads GitLab projects without a token, so the project must be public (or internal to an instance Spedy can reach).`
        : `${label} refused the integration's token (${said ?? 'bad credentials'}). Replace the token under Settings → Integrations.`,
    );
  }
  if (res.status === 404 || res.status === 403) {
    return refused(
      `${label} has no repository ${fullName} that ${provider === 'gitlab' ? 'Spedy can read' : `the ${label} integration's token can reach`}. Check the name${provider === 'gitlab' ? ' and that the project is public' : ', and that the token has access to the repository'}.`,
    );
  }
  return refused(`${label} answered ${res.status} for ${fullName}${said ? `: ${said}` : ''} (${where}). Try again in a moment.`);
}

function noDefaultBranch(provider: RepositoryProvider, fullName: string): SpedyError {
  return refused(`${repositoryProviderLabels[provider]} reports no default branch for ${fullName}; it is probably empty. Push a first commit, then link it.`);
}

async function ask(url: string, authorization?: string) {
  try {
    return await providerRequest(url, { authorization });
  } catch (error) {
    if (error instanceof ProviderUnreachableError) throw refused(error.message);
    throw error;
  }
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const encodePath = (fullName: string) => fullName.split('/').map(encodeURIComponent).join('/');

export async function lookUpGithubRepository(input: { apiUrl: string; token: string; fullName: string }): Promise<RepositoryFacts> {
  const res = await ask(`${input.apiUrl}/repos/${encodePath(input.fullName)}`, `Bearer ${input.token}`);
  if (res.status !== 200) throw explainRefusal('github', input.fullName, res, input.apiUrl);
  const body = (res.body ?? {}) as Record<string, unknown>;
  const fullName = str(body.full_name) ?? input.fullName;
  const defaultBranch = str(body.default_branch);
  if (!defaultBranch) throw noDefaultBranch('github', fullName);
  return {
    provider: 'github',
    fullName,
    name: str(body.name) ?? fullName.split('/')[1],
    cloneUrl: str(body.clone_url) ?? `https://github.com/${fullName}.git`,
    defaultBranch,
  };
}

export async function lookUpBitbucketRepository(input: { apiUrl: string; username: string; token: string; fullName: string }): Promise<RepositoryFacts> {
  const authorization = `Basic ${Buffer.from(`${input.username}:${input.token}`).toString('base64')}`;
  const res = await ask(`${input.apiUrl}/repositories/${encodePath(input.fullName)}`, authorization);
  if (res.status !== 200) throw explainRefusal('bitbucket', input.fullName, res, input.apiUrl);
  const body = (res.body ?? {}) as { full_name?: unknown; slug?: unknown; mainbranch?: { name?: unknown } | null; links?: { clone?: { name?: unknown; href?: unknown }[] } };
  const fullName = str(body.full_name) ?? input.fullName;
  const defaultBranch = str(body.mainbranch?.name);
  if (!defaultBranch) throw noDefaultBranch('bitbucket', fullName);
  const https = str(body.links?.clone?.find((c) => c.name === 'https')?.href);
  return {
    provider: 'bitbucket',
    fullName,
    name: str(body.slug) ?? fullName.split('/')[1],
    // Bitbucket puts the account in the clone link (https://user@bitbucket.org/…); the runner authenticates on its own.
    cloneUrl: https ? https.replace(/^(https?:\/\/)[^@/]+@/, '$1') : `https://bitbucket.org/${fullName}.git`,
    defaultBranch,
  };
}

export async function lookUpGitlabProject(input: { apiUrl: string; path: string }): Promise<RepositoryFacts> {
  // An unauthenticated read: there is no GitLab integration to take a token from.
  const res = await ask(`${input.apiUrl}/projects/${encodeURIComponent(input.path)}`);
  if (res.status !== 200) throw explainRefusal('gitlab', input.path, res, input.apiUrl);
  const body = (res.body ?? {}) as Record<string, unknown>;
  const fullName = str(body.path_with_namespace) ?? input.path;
  const defaultBranch = str(body.default_branch);
  if (!defaultBranch) throw noDefaultBranch('gitlab', fullName);
  return {
    provider: 'gitlab',
    fullName,
    name: str(body.path) ?? fullName.split('/').at(-1) ?? fullName,
    cloneUrl: str(body.http_url_to_repo) ?? `${new URL(input.apiUrl).origin}/${fullName}.git`,
    defaultBranch,
  };
}
