// GitHub Apps in the provider stand-in: POST {url}/github/app/installations/:id/access_tokens,
// authenticated the way GitHub authenticates an App (a JWT signed RS256 with one of the App's
// private keys, `iss` = the App ID, issued at most a minute ahead and valid at most ten
// minutes), answers with an installation token (`ghs_…`) and its `expires_at`. The token then
// works on the stand-in's GitHub routes as an installation token until it expires.
// Tests register an App with its public key; the clock is theirs to move.
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GithubPermission } from './server.ts';
import { send } from './http.ts';

type Access = 'read' | 'write';
export type StandInInstallation = { owner: string; permissions: Partial<Record<GithubPermission, Access>>; repositories: string[] };
export type StandInInstallationToken = StandInInstallation & { kind: 'github-installation'; expiresAt?: number };

export type GithubAppRegistry = {
  /** Registers an App: its ID, the public half of its private key, and its installations by ID. */
  add(app: { appId: string; publicKey: string | KeyObject; installations: Record<string, StandInInstallation> }): void;
  /** How long minted tokens last (GitHub: an hour). */
  tokenLifetimeMs: number;
  /** The stand-in's clock for JWT checks and token expiry (GitHub's own clock, for tests that move time). */
  now: () => number;
  /** Every token minted, oldest first. */
  minted: { installationId: string; token: string; expiresAt: number }[];
  /** Whether an installation token has expired by the stand-in's clock. */
  expired(spec: { expiresAt?: number }): boolean;
  /** Handles the App routes; false when `path` is not one. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
};


const fromBase64url = (part: string) => Buffer.from(part, 'base64url');

export function createGithubAppRegistry(register: (token: string, spec: StandInInstallationToken) => void): GithubAppRegistry {
  const apps = new Map<string, { publicKey: KeyObject; installations: Record<string, StandInInstallation> }>();

  /** The App a JWT proves, or GitHub's words for why not. */
  function appOf(authorization: string | undefined): { appId: string } | { refusal: string } {
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    const [header, payload, signature] = jwt.split('.');
    if (!header || !payload || !signature) return { refusal: 'A JSON web token could not be decoded' };
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      if (JSON.parse(fromBase64url(header).toString('utf8')).alg !== 'RS256') return { refusal: 'A JSON web token could not be decoded' };
      claims = JSON.parse(fromBase64url(payload).toString('utf8'));
    } catch {
      return { refusal: 'A JSON web token could not be decoded' };
    }
    const app = apps.get(String(claims.iss));
    if (!app) return { refusal: 'Integration not found' };
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), app.publicKey, fromBase64url(signature))) return { refusal: 'A JSON web token could not be decoded' };
    const now = Math.floor(registry.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + 60) return { refusal: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp - claims.iat > 600) {
      return { refusal: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
    }
    return { appId: String(claims.iss) };
  }

  const registry: GithubAppRegistry = {
    add(app) {
      apps.set(app.appId, { publicKey: typeof app.publicKey === 'string' ? createPublicKey(app.publicKey) : app.publicKey, installations: app.installations });
    },
    tokenLifetimeMs: 60 * 60_000,
    now: () => Date.now(),
    minted: [],
    expired: (spec) => spec.expiresAt !== undefined && spec.expiresAt <= registry.now(),
    handle(req, res, path) {
      const match = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path);
      if (!match) return false;
      if (req.method !== 'POST') return void send(res, 404, { message: 'Not Found', status: '404' }), true;
      const app = appOf(req.headers.authorization);
      if ('refusal' in app) return void send(res, 401, { message: app.refusal, status: '401' }), true;
      const installationId = decodeURIComponent(match[1]!);
      const installation = apps.get(app.appId)?.installations[installationId];
      if (!installation) return void send(res, 404, { message: 'Not Found', status: '404' }), true;
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      const expiresAt = registry.now() + registry.tokenLifetimeMs;
      register(token, { kind: 'github-installation', ...installation, expiresAt });
      registry.minted.push({ installationId, token, expiresAt });
      // GitHub gives whole seconds: 2016-07-11T22:14:10Z.
      send(res, 201, { token, expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: installation.permissions, repository_selection: 'selected' });
      return true;
    },
  };
  return registry;
}
