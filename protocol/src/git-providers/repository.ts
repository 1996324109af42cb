// What a host says about one repository, in one shape for GitHub, Bitbucket and GitLab.

export type ProviderRepository = {
  /** owner/name (GitLab: the full namespace path) as the host spells it. */
  fullName: string;
  /** The folder the runner checks out into (/workspace/{name}). */
  name: string;
  cloneUrl: string;
  /** null: the host reports none (an empty repository). */
  defaultBranch: string | null;
};

export interface PullRequestDraft {
  /** owner/name (GitHub) or workspace/slug (Bitbucket). */
  fullName: string;
  /** The job's branch. */
  head: string;
  /** The repository's base branch. */
  base: string;
  title: string;
  body: string;
}

export interface OpenedPullRequest {
  number: number;
  url: string;
}

/** A comment Spedy left on a pull request (a revision it pushed). */
export interface PostedComment {
  id: number;
  url: string;
}

export const nonEmptyString = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
