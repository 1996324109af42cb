import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpedyError } from '@spedy/protocol/errors';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { createAddressGuard } from '../net/address-guard.ts';
import { createInstallationTokenCache, githubAppJwt, installationTokenMargin, readGithubAppKey } from './github-app.ts';
import { testGithubAppConnection } from './github.ts';

// The platform's transport (address guard, 10 s, no redirects), admitting the stand-in on loopback.
const transport = { fetch: createAddressGuard({ allowedInternalHosts: '127.0.0.1' }).fetch, timeoutMs: 10_000, redirect: 'error' as const };

// GitHub downloads an App's private key as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY").
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = appKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

let api: ProviderApi;
let app: { apiUrl: string; appId: string; installationId: string; privateKey: string };

beforeAll(async () => {
  api = await startProviderApi();
  api.githubApps.add({
    appId: '424242',
    publicKey: appKey.publicKey,
    installations: { '7001': { owner: 'acme', permissions: { contents: 'write', pull_requests: 'write' }, repositories: ['acme/api'] } },
  });
  app = { apiUrl: api.githubUrl, appId: '424242', installationId: '7001', privateKey };
});

afterAll(() => api?.close());

describe('GitHub App installation tokens', () => {
  it('mints an installation token with a JWT the stand-in verifies against the App’s public key, and the token works', async () => {
    const clock = { now: Date.now() };
    api.githubApps.now = () => clock.now;
    const cache = createInstallationTokenCache({ now: () => clock.now });
    const token = await cache.tokenFor({ id: 'int_1', version: 1 }, app, transport);
    expect(token).toMatch(/^ghs_/);
    expect(api.githubApps.minted.map((m) => m.token)).toEqual([token]);
    expect(api.requests.at(-1)).toEqual({ method: 'POST', path: '/github/app/installations/7001/access_tokens' });
    const answer = await fetch(`${api.githubUrl}/repos/acme/api`, { headers: { authorization: `token ${token}` } });
    expect(answer.status).toBe(200);
  });

  it('hands out the cached token while it has more than the margin left, then mints a new one; the old one expires', async () => {
    const clock = { now: Date.now() };
    api.githubApps.now = () => clock.now;
    const cache = createInstallationTokenCache({ now: () => clock.now });
    const integration = { id: 'int_2', version: 1 };
    const first = await cache.tokenFor(integration, app, transport);
    const before = api.githubApps.minted.length;
    // GitHub's tokens last an hour: at 29 minutes the token still has more than the margin.
    clock.now += 60 * 60_000 - installationTokenMargin - 60_000;
    expect(await cache.tokenFor(integration, app, transport)).toBe(first);
    expect(api.githubApps.minted.length).toBe(before);

    clock.now += 2 * 60_000;
    const second = await cache.tokenFor(integration, app, transport);
    expect(second).not.toBe(first);
    expect(api.githubApps.minted.length).toBe(before + 1);

    // An hour after the first was minted, GitHub refuses it; the fresh one still works.
    clock.now += 30 * 60_000;
    const status = async (token: string) => (await fetch(`${api.githubUrl}/repos/acme/api`, { headers: { authorization: `token ${token}` } })).status;
    expect(await status(first)).toBe(401);
    expect(await status(second)).toBe(200);
  });

  it('mints anew when the App’s credentials were replaced (a new version of the integration)', async () => {
    api.githubApps.now = () => Date.now();
    const cache = createInstallationTokenCache();
    const first = await cache.tokenFor({ id: 'int_3', version: 1 }, app, transport);
    const second = await cache.tokenFor({ id: 'int_3', version: 2 }, app, transport);
    expect(second).not.toBe(first);
  });

  it('is refused with a key that is not the App’s, and the connection test says what to check', async () => {
    api.githubApps.now = () => Date.now();
    const cache = createInstallationTokenCache();
    await expect(cache.tokenFor({ id: 'int_4', version: 1 }, { ...app, privateKey: otherKey }, transport)).rejects.toMatchObject({ status: 401 });
    expect((await testGithubAppConnection({ ...app, privateKey: otherKey }, transport)).message).toMatch(/Check the App ID and that the private key is one of this App's keys/);
    expect((await testGithubAppConnection({ ...app, installationId: '9' }, transport)).message).toMatch(/App 424242 has no installation 9/);
    expect(await testGithubAppConnection(app, transport)).toMatchObject({ ok: true, account: 'acme', missing: [] });
  });

  it('signs an RS256 JWT issued a minute back and valid nine minutes', () => {
    const [header, payload] = githubAppJwt('424242', privateKey, 1_800_000_000_000).split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ iat: 1_800_000_000 - 60, exp: 1_800_000_000 + 540, iss: '424242' });
  });

  it('refuses a key node cannot read, or one that is not RSA, with what to paste instead', () => {
    expect(() => readGithubAppKey('-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----')).toThrow(SpedyError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => readGithubAppKey(ec)).toThrow(/RSA key/);
  });
});
