import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../lib/db/client.ts';
import { buildBootstrapBundle } from '../lib/secrets/bootstrap.ts';
import { createKeyring } from '../lib/secrets/vault.ts';
import { loadOrCreateLocalSecrets } from '../stack/secrets-file.ts';
import { signUp, type TestAccount } from './support/accounts.ts';
import { sql } from './support/db.ts';
import { memberOf, orgApi, stackDataDir, warmUp } from './support/org-api.ts';
import { testStack } from './support/stack-env.ts';

const anthropicKey = 'sk-ant-api03-Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4-abcd';
let owner: TestAccount;
let member: TestAccount;
let outsider: TestAccount;

const entries = (orgID: string) =>
  sql<{ id: string; name: string; kind: string; masked_preview: string; rotated_at: number; ciphertext: string; key_version: number }>(
    testStack().databaseUrl,
    `SELECT e.id, e.name, e.kind, e.masked_preview, e.rotated_at, v.ciphertext, v.key_version
       FROM vault_entry e JOIN secure.vault_value v ON v.entry_id = e.id WHERE e.organization_id = $1 ORDER BY e.name`,
    [orgID],
  );

beforeAll(async () => {
  const { appUrl, databaseUrl } = testStack();
  await warmUp(['x/secrets']);
  owner = await signUp(appUrl, databaseUrl, 'Vera Vault');
  member = await memberOf(owner, 'Milo Member');
  outsider = await signUp(appUrl, databaseUrl, 'Otto Outsider');
});

describe('PUT /api/orgs/[orgId]/secrets', () => {
  it('stores the Anthropic key sealed: the response and the table hold only a masked preview', async () => {
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'anthropic', value: anthropicKey });
    expect(answer.status).toBe(200);
    expect(answer.body.entry).toMatchObject({ name: 'ANTHROPIC_API_KEY', kind: 'anthropic', maskedPreview: 'sk-ant-••••abcd', rotated: false });
    expect(answer.text).not.toContain(anthropicKey);

    const [row] = await entries(owner.orgID);
    expect(row.masked_preview).toBe('sk-ant-••••abcd');
    expect(row.ciphertext).not.toContain('sk-ant');
    expect(Buffer.from(row.ciphertext, 'base64').toString('latin1')).not.toContain('Zm9vYmFy');

    // …and the runner bootstrap opens it again with the platform's key.
    const { databaseUrl } = testStack();
    const secrets = await loadOrCreateLocalSecrets(stackDataDir(), process.env);
    const { db, close } = connectDb(databaseUrl);
    try {
      const bundle = await buildBootstrapBundle(db, createKeyring(secrets.vaultMasterKey), owner.orgID);
      expect(bundle.env.ANTHROPIC_API_KEY).toBe(anthropicKey);
    } finally {
      await close();
    }
  });

  it('rotates on the same name: one row, a new ciphertext, a later rotatedAt', async () => {
    const before = await entries(owner.orgID);
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'anthropic', value: 'sk-ant-api03-second-key-0123456789-wxyz' });
    expect(answer.status).toBe(200);
    expect(answer.body.entry).toMatchObject({ rotated: true, maskedPreview: 'sk-ant-••••wxyz' });
    const after = await entries(owner.orgID);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before[0].id);
    expect(after[0].ciphertext).not.toBe(before[0].ciphertext);
    expect(after[0].rotated_at).toBeGreaterThan(before[0].rotated_at);
  });

  it('stores a custom variable under its own name', async () => {
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'NPM_TOKEN', value: 'npm_abcdefghijklmnop' });
    expect(answer.status).toBe(200);
    expect((await entries(owner.orgID)).map((e) => [e.name, e.kind])).toEqual([
      ['ANTHROPIC_API_KEY', 'anthropic'],
      ['NPM_TOKEN', 'custom'],
    ]);
  });

  it('refuses a Member with a readable 403 and writes nothing', async () => {
    const answer = await orgApi(member, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'MEMBER_SECRET', value: 'nope' });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('Only administrators can manage runner secrets.');
    expect((await entries(owner.orgID)).map((e) => e.name)).not.toContain('MEMBER_SECRET');
  });

  it('answers "not found" to someone of another organization, and 401 without a session', async () => {
    const foreign = await orgApi(outsider, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'FOREIGN', value: 'nope' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('Organization not found.');
    const anonymous = await orgApi(null, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'ANON', value: 'nope' });
    expect(anonymous.status).toBe(401);
    expect((await entries(owner.orgID)).map((e) => e.name)).toEqual(['ANTHROPIC_API_KEY', 'NPM_TOKEN']);
  });

  it.each([
    ['an invalid env var name', { preset: 'custom', name: 'my-token', value: 'x' }, /capital letters, digits and underscores/],
    ['a reserved name', { preset: 'custom', name: 'PATH', value: 'x' }, /PATH is reserved/],
    ['a git token name', { preset: 'custom', name: 'GITHUB_TOKEN', value: 'x' }, /Settings → Integrations/],
    ['a non-sk-ant Anthropic value', { preset: 'anthropic', value: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123' }, /starts with sk-ant-/],
    ['a value that is too long', { preset: 'custom', name: 'BIG', value: 'x'.repeat(8193) }, /at most 8,192 characters/],
    ['a value of the wrong type', { preset: 'custom', name: 'NUM', value: 12345 }, /as text/],
    ['an unknown preset', { preset: 'openai', value: 'x' }, /Choose the preset/],
  ])('refuses %s with a 400 and writes nothing', async (_what, body, message) => {
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
    expect(await entries(owner.orgID)).toHaveLength(2);
  });

  it('refuses a body that is not JSON, and a request from another site', async () => {
    expect((await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, '{"preset":', {})).status).toBe(400);
    const plain = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, 'preset=custom', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const crossSite = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'CSRF', value: 'x' }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await entries(owner.orgID)).toHaveLength(2);
  });

  it('never writes a value into the logs of the app server or PostgreSQL', async () => {
    for (const log of ['app.log', 'postgres.log']) {
      const text = await readFile(path.join(stackDataDir(), 'logs', log), 'utf8').catch(() => '');
      for (const value of [anthropicKey, 'sk-ant-api03-second-key', 'npm_abcdefghijklmnop']) expect(text).not.toContain(value);
    }
  });
});
