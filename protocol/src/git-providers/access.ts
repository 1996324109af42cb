// The auth rules of each git host, written once: how a token goes on an API request and how
// git itself authenticates over HTTPS. The platform (test connection, repository linking)
// and the supervisor (clone, push, pull requests) both use them.
import type { z } from 'zod';
import type { gitProviderAccess } from '../wire.ts';

/** One connected integration: the bootstrap bundle's or a job's `git` entry, or the platform's row with its opened token. */
export type GitProviderAccess = z.input<typeof gitProviderAccess>;

/** Bitbucket's static git user for an API token (https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens/). */
export const bitbucketApiTokenGitUser = 'x-bitbucket-api-token-auth';

/**
 * The Authorization header for the host's REST API. GitHub: the token (Octokit sends it as
 * `token …`). Bitbucket: an API token goes with the Atlassian account's email (Basic), an app
 * password with its account's user name (Basic); a repository or workspace access token is a
 * Bearer token.
 */
export function apiAuthorization(access: Pick<GitProviderAccess, 'provider' | 'token' | 'username' | 'email'>): string {
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:${access.token}`).toString('base64')}`;
  if (access.provider === 'bitbucket' && access.email) return basic(access.email);
  if (access.provider === 'bitbucket' && access.username) return basic(access.username);
  return `Bearer ${access.token}`;
}

/**
 * HTTPS credentials for git: GitHub takes any user name with a token (`x-access-token` by
 * convention); Bitbucket takes an API token with `x-bitbucket-api-token-auth`, an app password
 * with its account's user name, an access token with `x-token-auth`.
 */
export function gitCredentialsFor(access: GitProviderAccess | undefined): { username: string; password: string } | undefined {
  if (!access) return undefined;
  if (access.provider === 'github') return { username: 'x-access-token', password: access.token };
  if (access.email) return { username: bitbucketApiTokenGitUser, password: access.token };
  return { username: access.username ?? 'x-token-auth', password: access.token };
}
