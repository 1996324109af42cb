import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nanoid } from 'nanoid';
import { sql } from '../../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, runnerApi, type RunnerOrg } from '../../test/support/runners.ts';
import { poll } from '../../test/support/poll.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { integrationAad, vaultAad } from '../secrets/bootstrap.ts';
import { getKeyring, runnerTokenHashKey } from '../secrets/keyring.ts';
import { maskedPreview, seal } from '../secrets/vault.ts';
import { authFailureLimit } from './authenticate.ts';
import { issueRunnerToken, revokeRunnerToken } from './tokens.ts';

let acme: RunnerOrg;
let globex: RunnerOrg;

beforeAll(async () => {
  [acme, globex] = await Promise.all([newRunnerOrg('Acme Runner Owner'), newRunnerOrg('Globex Runner Owner')]);
});

afterAll(async () => {
  await acme?.closeDb();
  await globex?.closeDb();
});

const db = () => testStack().databaseUrl;

describe('runner tokens', () => {
  it('accepts a fresh token and records when it was last used, storing only its hash', async () => {
    const issued = await issueRunnerToken(acme.db, runnerTokenHashKey(), { orgId: acme.account.orgID, name: 'fresh', createdBy: acme.account.userID });
    expect(issued.token).toMatch(/^rnt_[0-9a-f]{64}$/);
    expect(issued.prefix).toBe(issued.token.slice(0, 8));
    const res = await runnerApi(testStack().appUrl, issued.token).get('bootstrap');
    expect(res.status).toBe(200);
    const [row] = await sql(db(), 'SELECT t.last_used_at, h.hash FROM runner_token t JOIN secure.runner_token_hash h ON h.token_id = t.id WHERE t.id = $1', [issued.id]);
    expect(row.last_used_at).toBeGreaterThan(Date.now() - 60_000);
    expect(row.hash).not.toContain(issued.token.slice(4));
    const everywhere = await sql(db(), "SELECT count(*)::int AS n FROM runner_token WHERE row_to_json(runner_token)::text LIKE '%' || $1 || '%'", [issued.token.slice(4)]);
    expect(everywhere[0].n).toBe(0);
  });

  it('refuses a revoked token on the very next request', async () => {
    const issued = await issueRunnerToken(acme.db, runnerTokenHashKey(), { orgId: acme.account.orgID, name: 'to revoke', createdBy: acme.account.userID });
    const api = runnerApi(testStack().appUrl, issued.token);
    const runnerId = await registerRunner(api);
    expect((await api.post('heartbeat', { runnerId, activeJobIds: [] })).status).toBe(200);
    await revokeRunnerToken(acme.db, { orgId: acme.account.orgID, tokenId: issued.id });
    const refused = await api.post('heartbeat', { runnerId, activeJobIds: [] });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatch(/revoked/);
  });

  it('refuses an expired token', async () => {
    const issued = await issueRunnerToken(acme.db, runnerTokenHashKey(), { orgId: acme.account.orgID, name: 'short-lived', expiresAt: Date.now() + 1500, createdBy: acme.account.userID });
    const api = runnerApi(testStack().appUrl, issued.token);
    expect((await api.get('bootstrap')).status).toBe(200);
    // Asked until the platform's clock passes the expiry (1.5 s from issuing); the first refusal must say why.
    const refused = await poll('the token to be refused', async () => {
      const answer = await api.get('bootstrap');
      return answer.status !== 200 && answer;
    }, 5000, 100);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatch(/expired/);
  });

  it('refuses an expiry in the past when issuing', async () => {
    await expect(issueRunnerToken(acme.db, runnerTokenHashKey(), { orgId: acme.account.orgID, name: 'x', expiresAt: Date.now() - 1, createdBy: null })).rejects.toThrow(/future/);
  });

  it('lets a token scoped to a runner act only as that runner', async () => {
    const runnerId = await registerRunner(acme.api, { name: 'scoped-runner' });
    const otherId = await registerRunner(acme.api, { name: 'other-runner' });
    const scoped = await issueRunnerToken(acme.db, runnerTokenHashKey(), { orgId: acme.account.orgID, name: 'scoped', runnerId, createdBy: acme.account.userID });
    const api = runnerApi(testStack().appUrl, scoped.token);

    const own = await api.post('register', { name: 'scoped-runner', version: '1.0.1', capabilities: ['claude_code'], labels: [], poolSize: 2 });
    expect(own.status).toBe(200);
    expect(own.body.runnerId).toBe(runnerId);
    const otherName = await api.post('register', { name: 'another-name', version: '1.0.1', capabilities: [], labels: [], poolSize: 2 });
    expect(otherName.status).toBe(403);
    expect(otherName.body.error).toMatch(/scoped to another runner/);
    expect(await sql(db(), "SELECT id FROM runner WHERE name = 'another-name' AND organization_id = $1", [acme.account.orgID])).toEqual([]);

    expect((await api.post('heartbeat', { runnerId, activeJobIds: [] })).status).toBe(200);
    const asOther = await api.post('heartbeat', { runnerId: otherId, activeJobIds: [] });
    expect(asOther.status).toBe(403);
    expect((await api.post('jobs/claim', { runnerId: otherId })).status).toBe(403);
  });

  it('refuses missing, malformed and unknown tokens with a readable 401', async () => {
    const api = runnerApi(testStack().appUrl, null);
    const missing = await api.get('bootstrap');
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/Authorization: Bearer/);
    const malformed = await api.get('bootstrap', 'rnt_nothex');
    expect(malformed.status).toBe(401);
    expect(malformed.body.error).toMatch(/64 hex/);
    const unknown = await api.get('bootstrap', `rnt_${'ab'.repeat(32)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatch(/Unknown runner token/);
  });

  it('rate-limits an address after repeated failed authentications, without refusing other addresses', async () => {
    const attacker = runnerApi(testStack().appUrl, null);
    for (let i = 0; i < authFailureLimit; i++) {
      expect((await attacker.get('bootstrap', `rnt_${nanoid(8).padEnd(64, '0').toLowerCase().replace(/[^0-9a-f]/g, 'a')}`)).status).toBe(401);
    }
    const limited = await attacker.get('bootstrap', `rnt_${'cd'.repeat(32)}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.error).toMatch(/Too many failed authentications/);
    // Even a valid token from that address waits: guessing must not pay off.
    expect((await attacker.get('bootstrap', acme.token)).status).toBe(429);
    expect((await runnerApi(testStack().appUrl, acme.token).get('bootstrap')).status).toBe(200);
    const [row] = await sql(db(), 'SELECT sum(count)::int AS n FROM secure.auth_failure WHERE address LIKE $1', [`%${attacker.address}`]);
    expect(row.n).toBe(authFailureLimit);
  });

  it('counts the socket address, not an X-Forwarded-For a client sent, when no proxy is trusted', async () => {
    const before = await sql(db(), "SELECT coalesce(sum(count), 0)::int AS n FROM secure.auth_failure WHERE address IN ('127.0.0.1', '::ffff:127.0.0.1')");
    const res = await fetch(`${testStack().appUrl}/api/v1/runners/bootstrap`, {
      headers: { authorization: `Bearer rnt_${'ef'.repeat(32)}`, 'x-forwarded-for': '203.0.113.50' },
    });
    expect(res.status).toBe(401);
    const after = await sql(db(), "SELECT coalesce(sum(count), 0)::int AS n FROM secure.auth_failure WHERE address IN ('127.0.0.1', '::ffff:127.0.0.1')");
    expect(after[0].n).toBe(before[0].n + 1);
    expect(await sql(db(), "SELECT address FROM secure.auth_failure WHERE address LIKE '%203.0.113.50%'")).toEqual([]);
  });
});

describe('bootstrap', () => {
  const anthropicKey = `sk-ant-api03-${nanoid(40)}`;
  const customValue = `custom-${nanoid(20)}`;
  const githubToken = `ghp_${nanoid(36)}`;
  const bitbucketToken = `bb-${nanoid(30)}`;

  beforeAll(async () => {
    const keyring = getKeyring();
    const orgId = acme.account.orgID;
    const now = Date.now();
    for (const [name, kind, value] of [
      ['ANTHROPIC_API_KEY', 'anthropic', anthropicKey],
      ['DEPLOY_FLAG', 'custom', customValue],
    ] as const) {
      const id = nanoid();
      await sql(db(), 'INSERT INTO vault_entry (id, organization_id, name, kind, masked_preview, rotated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)', [
        id, orgId, name, kind, maskedPreview(value), now,
      ]);
      const sealed = seal(keyring, value, vaultAad(orgId, id));
      await sql(db(), 'INSERT INTO secure.vault_value (entry_id, ciphertext, key_version) VALUES ($1, $2, $3)', [id, sealed.ciphertext, sealed.keyVersion]);
    }
    for (const [provider, token, active] of [
      ['github', githubToken, true],
      ['bitbucket', bitbucketToken, false],
    ] as const) {
      const id = nanoid();
      await sql(
        db(),
        `INSERT INTO git_integration (id, organization_id, provider, token_kind, api_url, username, masked_preview, active, rotated_at, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $8)`,
        [id, orgId, provider, provider === 'github' ? 'personal' : 'app_password', `https://api.${provider}.example`, maskedPreview(token), active, now],
      );
      const sealed = seal(keyring, token, integrationAad(orgId, id));
      await sql(db(), 'INSERT INTO secure.git_integration_secret (integration_id, ciphertext, key_version) VALUES ($1, $2, $3)', [id, sealed.ciphertext, sealed.keyVersion]);
    }
  });

  it("returns the organization's vault entries and active git tokens, decrypted", async () => {
    const res = await acme.api.get('bootstrap');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.env).toMatchObject({ ANTHROPIC_API_KEY: anthropicKey, DEPLOY_FLAG: customValue });
    // Git tokens travel apart, for the supervisor's own git: never in the agent's environment.
    expect(res.body.env.GITHUB_TOKEN).toBeUndefined();
    expect(res.body.env.BITBUCKET_TOKEN).toBeUndefined();
    expect(res.body.git).toEqual([{ provider: 'github', apiUrl: 'https://api.github.example', token: githubToken, username: null }]);
  });

  it("never hands one organization's secrets to another's token", async () => {
    const res = await globex.api.get('bootstrap');
    expect(res.status).toBe(200);
    expect(res.body.env).toEqual({});
    expect(res.body.git).toEqual([]);
  });

  it('returns decrypted values nowhere else', async () => {
    const secrets = [anthropicKey, customValue, githubToken, bitbucketToken];
    const runnerId = await registerRunner(acme.api, { name: `secrets-check-${nanoid(4)}` });
    const [jobId] = await createReadyJobs(acme.db, acme.account.orgID);
    const bodies = [
      await acme.api.post('register', { name: 'secrets-check-2', version: '1', capabilities: [], labels: [], poolSize: 1 }),
      await acme.api.post('heartbeat', { runnerId, activeJobIds: [jobId] }),
      await acme.api.post('jobs/claim', { runnerId, jobId }),
      await acme.api.post(`jobs/${jobId}/status`, { runnerId, status: 'preparing' }),
      await acme.api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1, type: 'log', payload: {}, at: Date.now() }] }),
    ].map((r) => JSON.stringify(r.body));
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    // What the board replicates holds masked previews only; ciphertexts are not the values.
    const rows = await sql(db(), `SELECT row_to_json(v)::text AS j FROM vault_entry v WHERE organization_id = $1
                                  UNION ALL SELECT row_to_json(g)::text FROM git_integration g WHERE organization_id = $1
                                  UNION ALL SELECT row_to_json(s)::text FROM secure.vault_value s`, [acme.account.orgID]);
    for (const { j } of rows) for (const secret of secrets) expect(j).not.toContain(secret);
  });
});

describe('register and heartbeat', () => {
  it('upserts a runner by organization and name and marks it Online', async () => {
    const name = `upsert-${nanoid(5)}`;
    const first = await registerRunner(acme.api, { name, labels: ['backend'] });
    const again = await registerRunner(acme.api, { name, labels: ['backend', 'python'], poolSize: 8 });
    expect(again).toBe(first);
    const [row] = await sql(db(), 'SELECT status, labels, pool_size FROM runner WHERE id = $1', [first]);
    expect(row).toEqual({ status: 'online', labels: ['backend', 'python'], pool_size: 8 });
    const sameNameElsewhere = await registerRunner(globex.api, { name });
    expect(sameNameElsewhere).not.toBe(first);
  });

  it('answers registration with the heartbeat interval and the organization offline timeout', async () => {
    const res = await globex.api.post('register', { name: `timing-${nanoid(4)}`, version: '2.0.0', capabilities: [], labels: [], poolSize: 1 });
    expect(res.body).toMatchObject({ offlineTimeoutSeconds: 90, heartbeatIntervalSeconds: 30 });
  });

  it('brings an Offline runner back Online with its next heartbeat, and reports its jobs as the platform sees them', async () => {
    const runnerId = await registerRunner(acme.api);
    const [jobId] = await createReadyJobs(acme.db, acme.account.orgID);
    expect((await acme.api.post('jobs/claim', { runnerId, jobId })).body.job.id).toBe(jobId);
    await sql(db(), "UPDATE runner SET status = 'offline' WHERE id = $1", [runnerId]);
    const res = await acme.api.post('heartbeat', { runnerId, activeJobIds: [jobId, 'not-a-job'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'online', jobs: [{ id: jobId, status: 'claimed' }] });
    const [row] = await sql(db(), 'SELECT status FROM runner WHERE id = $1', [runnerId]);
    expect(row.status).toBe('online');
  });
});
