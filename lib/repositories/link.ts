// Linking a repository to a project (Build & Validate). GitHub and Bitbucket are read through
// the organization's git integration. GitLab is not offered: the runner can neither push there
// nor open a merge request (link-input.ts). The repository's base branch starts as the
// provider's default branch (overridable: buildSettings.setBaseBranch).
import { and, eq } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { project, projectRepository } from '../db/schema.ts';
import { gitAccessFor } from '../secrets/git-access.ts';
import type { Keyring } from '../secrets/vault.ts';
import type { LinkRepositoryInput } from './link-input.ts';
import { lookUpBitbucketRepository, lookUpGithubRepository, type RepositoryFacts } from './provider-lookup.ts';

export type LinkedRepository = typeof projectRepository.$inferSelect;

/**
 * What the provider says about the repository, read with the organization's integration
 * (the same credentials a runner gets for a job: git-access.ts). They are used for this one
 * request and never returned.
 */
export async function detectRepository(db: Db, keyring: Keyring, orgId: string, input: LinkRepositoryInput): Promise<RepositoryFacts> {
  const { git, refused } = await gitAccessFor(db, keyring, orgId, [{ provider: input.provider, fullName: input.fullName }]);
  const access = git.find((a) => a.provider === input.provider);
  if (!access) throw new SpedyError('invalid', refused[0]?.reason ?? `Connect the provider under Settings → Integrations first.`);
  return input.provider === 'github'
    ? lookUpGithubRepository({ apiUrl: access.apiUrl, token: access.token, fullName: input.fullName })
    : lookUpBitbucketRepository({ ...access, username: access.username ?? null, fullName: input.fullName });
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
