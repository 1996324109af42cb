// The auth rules of each git host, written once: how a token goes on an API request and how
// git itself authenticates over HTTPS. The platform (test connection, repository linking)
// and the supervisor (clone, push, pull requests) both use them.
import type { BootstrapResponse } from '../wire.ts';

/** One connected integration: the bootstrap bundle's `git` entry, or the platform's row with its opened token. */
export type GitProviderAccess = BootstrapResponse['git'][number];

/**
 * The Authorization header for the host's REST API. GitHub: the token (Octokit sends it as
 * `token …`). Bitbucket: an app password goes with its account's user name (Basic); a
 * repository or workspace access token is a Bearer token.
 */
export function apiAuthorization(access: Pick<GitProviderAccess, 'provider' | 'token' | 'username'>): string {
  if (access.provider === 'bitbucket' && access.username) return `Basic ${Buffer.from(`${access.username}:${access.token}`).toString('base64')}`;
  return `Bearer ${access.token}`;
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
