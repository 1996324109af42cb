// A GitHub App integration: the platform holds the App's private key (sealed like every
// other secret) and mints installation tokens from it; only those tokens, which last an
// hour, ever leave the platform (per job: lib/integrations/git-access.ts).
//
// The App authenticates as a JWT (RS256, signed with its private key; iss = App ID, at most
// 10 minutes long) on POST /app/installations/{id}/access_tokens
// (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app).
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { SpedyError } from '@spedy/protocol/errors';
import { githubClient } from '@spedy/protocol/git-providers/github';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';

export type GithubAppCredentials = { apiUrl: string; appId: string; installationId: string; privateKey: string };

/** The private key as node reads it; a person pasting something else is told what GitHub gives. */
export function readGithubAppKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SpedyError('invalid', 'The private key could not be read. Paste the whole .pem file GitHub downloaded (App settings → Private keys → Generate a private key).');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SpedyError('invalid', 'A GitHub App private key is an RSA key; this one is not. Paste the .pem file GitHub downloaded.');
  return key;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The App's JWT: issued a minute in the past (clock drift, as GitHub advises), valid nine minutes. */
export function githubAppJwt(appId: string, privateKey: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: now - 60, exp: now + 9 * 60, iss: appId }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), readGithubAppKey(privateKey));
  return `${header}.${payload}.${base64url(signature)}`;
}

/** One installation token straight from GitHub. */
export async function mintInstallationToken(app: GithubAppCredentials, transport: ProviderTransport, nowMs: number): Promise<{ token: string; expiresAt: number }> {
  const jwt = githubAppJwt(app.appId, app.privateKey, nowMs);
  return githubClient({ apiUrl: app.apiUrl, token: jwt }, transport).createInstallationToken(Number(app.installationId));
}

/**
 * A token handed out is good for at least this long: a runner asks again before each clone
 * and push, and none of those lasts half an hour.
 */
export const installationTokenMargin = 30 * 60_000;

export type InstallationTokenCache = {
  /** A cached token with more than the margin left, or a freshly minted one. `version` changes when the App's credentials do. */
  tokenFor(integration: { id: string; version: number }, app: GithubAppCredentials, transport: ProviderTransport): Promise<string>;
};

export function createInstallationTokenCache(options: { now?: () => number } = {}): InstallationTokenCache {
  const now = options.now ?? Date.now;
  const cached = new Map<string, { version: number; token: string; expiresAt: number }>();
  // One mint per integration at a time: jobs starting together share it.
  const minting = new Map<string, Promise<string>>();
  return {
    tokenFor(integration, app, transport) {
      const hit = cached.get(integration.id);
      if (hit && hit.version === integration.version && hit.expiresAt - now() > installationTokenMargin) return Promise.resolve(hit.token);
      const key = `${integration.id}:${integration.version}`;
      let pending = minting.get(key);
      if (!pending) {
        pending = mintInstallationToken(app, transport, now())
          .then(({ token, expiresAt }) => {
            cached.set(integration.id, { version: integration.version, token, expiresAt });
            return token;
          })
          .finally(() => minting.delete(key));
        minting.set(key, pending);
      }
      return pending;
    },
  };
}

let shared: InstallationTokenCache | undefined;
/** The platform process's cache (each instance mints its own; GitHub allows many tokens per installation). */
export function installationTokens(): InstallationTokenCache {
  shared ??= createInstallationTokenCache();
  return shared;
}
