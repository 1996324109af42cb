// What linking a repository to a project takes (Build & Validate): the rules the form checks
// inline and `POST /api/orgs/[orgId]/projects/[projectId]/repositories` enforces. Pure.
import { z } from 'zod';

export const repositoryProviders = ['github', 'bitbucket', 'gitlab'] as const;
export type RepositoryProvider = (typeof repositoryProviders)[number];
export const repositoryProviderLabels: Record<RepositoryProvider, string> = { github: 'GitHub', bitbucket: 'Bitbucket', gitlab: 'GitLab' };

const segment = /^[A-Za-z0-9_.-]+$/;

/** "owner/name"; a pasted web or clone URL (https://github.com/acme/api.git, git@…:acme/api.git) is reduced to it. */
export const ownerSlashName = z
  .string({ message: 'Enter the repository as owner/name.' })
  .trim()
  .max(200, 'Repository names are at most 200 characters.')
  .transform((v) =>
    v
      .replace(/^https?:\/\/[^/]+\//i, '')
      .replace(/^git@[^:]+:/i, '')
      .replace(/\/+$/, '')
      .replace(/\.git$/i, ''),
  )
  .refine((v) => {
    const parts = v.split('/');
    return parts.length === 2 && parts.every((p) => segment.test(p));
  }, 'Enter the repository as owner/name (on Bitbucket: workspace/repository), e.g. acme/api.');

/**
 * Where a repository can be linked: the hosts the runner can push to and open a pull request
 * on. GitLab links made before stay listed (and a job on them is refused before its agent
 * runs, lib/secrets/git-access.ts), but no new ones are made.
 */
export const linkableProviders = ['github', 'bitbucket'] as const;
export type LinkableProvider = (typeof linkableProviders)[number];

export const gitlabNotOffered = 'GitLab is not offered: the runner can neither push to GitLab nor open a merge request there. Link a GitHub or Bitbucket repository (a mirror, for one).';

export const linkRepositoryInput = z.discriminatedUnion(
  'provider',
  [z.object({ provider: z.literal('github'), fullName: ownerSlashName }), z.object({ provider: z.literal('bitbucket'), fullName: ownerSlashName })],
  {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null && (issue.input as { provider?: unknown }).provider === 'gitlab'
        ? gitlabNotOffered
        : 'Choose the provider: "github" or "bitbucket".',
  },
);
export type LinkRepositoryInput = z.infer<typeof linkRepositoryInput>;

/** Where the runner checks the repository out. */
export const workingDirectoryOf = (repositoryName: string) => `/workspace/${repositoryName}`;

/** A branch name git accepts (`git check-ref-format --branch`, in short); the form and the mutator share it. */
export const branchName = z
  .string()
  .trim()
  .min(1, 'Name the base branch.')
  .max(200, 'Branch names are at most 200 characters.')
  .refine(
    (v) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in branch names (git check-ref-format), so this rule lists them.
      !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(v) &&
      !v.includes('..') &&
      !v.includes('//') &&
      !v.includes('@{') &&
      !/^[-/.]/.test(v) &&
      !/[/.]$/.test(v) &&
      !v.endsWith('.lock') &&
      v !== '@',
    'That is not a valid branch name: no spaces, ~ ^ : ? * [ \\ or "..", and it cannot start with "-" or end with "/", "." or ".lock".',
  );
