// Linking a repository to a project (Build & Validate). GitHub and Bitbucket are read through
// the organization's git integration; GitLab through its public REST API. The repository's
// base branch starts as the provider's default branch (overridable: buildSettings.setBaseBranch).
import { and, eq } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { gitIntegration, project, projectRepository } from '../db/schema.ts';
import { openIntegrationToken } from '../secrets/entries.ts';
import type { Keyring } from '../secrets/vault.ts';
import { parseGitlabProjectUrl, repositoryProviderLabels, type LinkRepositoryInput } from './link-input.ts';
import { lookUpBitbucketRepository, lookUpGithubRepository, lookUpGitlabProject, type RepositoryFacts } from './provider-lookup.ts';

export type LinkedRepository = typeof projectRepository.$inferSelect;

/**
 * What the provider says about the repository, read with the organization's integration
 * token. The token is opened here and used for this one request; it is never returned.
 */
export async function detectRepository(db: Db, keyring: Keyring, orgId: string, input: LinkRepositoryInput): Promise<RepositoryFacts> {
  if (input.provider === 'gitlab') {
    const target = parseGitlabProjectUrl(input.url);
    if (!target) throw new SpedyError('invalid', 'Enter the project’s address, e.g. https://gitlab.com/acme/api.');
    return lookUpGitlabProject(target);
  }
  const label = repositoryProviderLabels[input.provider];
  const [integration] = await db
    .select()
    .from(gitIntegration)
    .where(and(eq(gitIntegration.organizationId, orgId), eq(gitIntegration.provider, input.provider)));
  if (!integration) {
    throw new SpedyError('invalid',
      `Connect ${label} under Settings → Integrations first: Spedy reads the repository (and the runner clones it) with that integration's token.`,
    );
  }
  if (!integration.active) {
    throw new SpedyError('invalid', `The ${label} integration is turned off. Turn it on under Settings → Integrations to link ${label} repositories.`);
  }
  const token = await openIntegrationToken(db, keyring, orgId, integration.id);
  if (token === null) throw new SpedyError('invalid', `The ${label} integration has no token. Connect it again under Settings → Integrations.`);
  return input.provider === 'github'
    ? lookUpGithubRepository({ apiUrl: integration.apiUrl, token, fullName: input.fullName })
    : lookUpBitbucketRepository({ apiUrl: integration.apiUrl, username: integration.username ?? '', token, fullName: input.fullName });
}

const alreadyLinked = (fullName: string) => new SpedyError('conflict', `${fullName} is already linked to this project.`);

/** Links the repository with base branch = the provider's default branch. Nothing is written when the provider refuses. */
export async function linkRepository(db: Db, keyring: Keyring, orgId: string, projectId: string, input: LinkRepositoryInput): Promise<LinkedRepository> {
  const [own] = await db.select({ id: project.id }).from(project).where(and(eq(project.id, projectId), eq(project.organizationId, orgId)));
  if (!own) throw new SpedyError('notFound', 'Project not found.');

  const facts = await detectRepository(db, keyring, orgId, input);
  const [row] = await db
    .insert(projectRepository)
    .values({
      id: nanoid(),
      organizationId: orgId,
      projectId,
      provider: facts.provider,
      fullName: facts.fullName,
      name: facts.name,
      cloneUrl: facts.cloneUrl,
      defaultBranch: facts.defaultBranch,
      baseBranch: facts.defaultBranch,
      createdAt: Date.now(),
    })
    .onConflictDoNothing({ target: [projectRepository.projectId, projectRepository.provider, projectRepository.fullName] })
    .returning();
  if (!row) throw alreadyLinked(facts.fullName);
  return row;
}
