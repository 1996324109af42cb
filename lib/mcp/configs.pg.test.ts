import { nanoid } from 'nanoid';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../../test/support/accounts.ts';
import { sql } from '../../test/support/db.ts';
import { memberOf, orgApi, stackDataDir, warmUp } from '../../test/support/org-api.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { connectDb } from '../db/client.ts';
import { buildBootstrapBundle, mcpAad } from '../secrets/bootstrap.ts';
import { createKeyring, open } from '../secrets/vault.ts';
import { loadOrCreateLocalSecrets } from '../../stack/secrets-file.ts';

const sentryToken = 'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_9f8e7d6c5b4a';
let owner: TestAccount;
let member: TestAccount;
let outsider: TestAccount;

type ServerRow = { id: string; name: string; transport: string; url: string | null; command: string | null; args: string[]; allowed_tools: string[]; credential_preview: string | null };

const servers = (orgID: string) =>
  sql<ServerRow & { ciphertext: string | null; key_version: number | null }>(
    testStack().databaseUrl,
    `SELECT m.id, m.name, m.transport, m.url, m.command, m.args, m.allowed_tools, m.credential_preview, s.ciphertext, s.key_version
       FROM mcp_server m LEFT JOIN secure.mcp_server_secret s ON s.mcp_server_id = m.id WHERE m.organization_id = $1 ORDER BY m.name`,
    [orgID],
  );

const save = (account: TestAccount, body: unknown, org = owner.orgID) => orgApi(account, 'PUT', `${org}/mcp-servers`, body);

const sentry = { name: 'sentry', projectID: null, transport: 'stdio', command: 'npx', args: ['-y', '@sentry/mcp-server'], allowedTools: ['search_issues'] };

async function platformKeyring() {
  const secrets = await loadOrCreateLocalSecrets(stackDataDir(), process.env);
  return createKeyring(secrets.vaultMasterKey);
}

beforeAll(async () => {
  const { appUrl, databaseUrl } = testStack();
  await warmUp(['x/mcp-servers']);
  owner = await signUp(appUrl, databaseUrl, 'Mona Mcp');
  member = await memberOf(owner, 'Mick Member');
  outsider = await signUp(appUrl, databaseUrl, 'Ozzy Outsider');
});

describe('PUT /api/orgs/[orgId]/mcp-servers', () => {
  it('seals the credentials on the configuration: the public row and the answer hold only a masked preview', async () => {
    const answer = await save(owner, { ...sentry, credentials: [{ name: 'SENTRY_TOKEN', value: sentryToken }] });
    expect(answer.status).toBe(200);
    expect(answer.body.server).toMatchObject({ name: 'sentry', transport: 'stdio', command: 'npx', credentialPreview: 'SENTRY_TOKEN sntrys_••••5b4a', created: true });
    expect(answer.text).not.toContain(sentryToken);

    const [row] = await servers(owner.orgID);
    expect(row).toMatchObject({ name: 'sentry', command: 'npx', args: ['-y', '@sentry/mcp-server'], allowed_tools: ['search_issues'], credential_preview: 'SENTRY_TOKEN sntrys_••••5b4a' });
    expect(row.ciphertext).toBeTruthy();
    expect(row.ciphertext).not.toContain(sentryToken);
    expect(Buffer.from(row.ciphertext!, 'base64').toString('latin1')).not.toContain('eyJpYXQi');

    // The platform's key opens it for this row only.
    const keyring = await platformKeyring();
    const sealed = { ciphertext: row.ciphertext!, keyVersion: row.key_version! };
    expect(JSON.parse(open(keyring, sealed, mcpAad(owner.orgID, row.id)))).toEqual({ kind: 'env', values: { SENTRY_TOKEN: sentryToken } });
    expect(() => open(keyring, sealed, mcpAad(outsider.orgID, row.id))).toThrow(/integrity check/);
  });

  it('is not listed under Secrets and not handed out as a runner secret', async () => {
    const entries = await sql(testStack().databaseUrl, 'SELECT name FROM vault_entry WHERE organization_id = $1', [owner.orgID]);
    expect(entries).toEqual([]);
    const { db, close } = connectDb(testStack().databaseUrl);
    try {
      const bundle = await buildBootstrapBundle(db, await platformKeyring(), owner.orgID);
      expect(JSON.stringify(bundle)).not.toContain(sentryToken);
    } finally {
      await close();
    }
  });

  it('keeps the stored credentials when an update sends none, and removes them on an empty list', async () => {
    const [before] = await servers(owner.orgID);
    const kept = await save(owner, { ...sentry, id: before.id, args: ['-y', '@sentry/mcp-server@2'], allowedTools: [] });
    expect(kept.status).toBe(200);
    expect(kept.body.server).toMatchObject({ id: before.id, created: false, credentialPreview: before.credential_preview, allowedTools: [] });
    const [after] = await servers(owner.orgID);
    expect(after).toMatchObject({ args: ['-y', '@sentry/mcp-server@2'], ciphertext: before.ciphertext });

    const cleared = await save(owner, { ...sentry, id: before.id, credentials: [] });
    expect(cleared.body.server).toMatchObject({ credentialPreview: null });
    const [gone] = await servers(owner.orgID);
    expect(gone).toMatchObject({ credential_preview: null, ciphertext: null });
  });

  it('stores headers for an HTTP server', async () => {
    const answer = await save(owner, {
      name: 'docs',
      projectID: null,
      transport: 'http',
      url: 'https://mcp.example.test/mcp',
      allowedTools: [],
      credentials: [{ name: 'Authorization', value: 'Bearer docs-secret-value-1234' }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.server).toMatchObject({ transport: 'http', url: 'https://mcp.example.test/mcp', command: null, credentialPreview: 'Authorization ••••1234' });
    const row = (await servers(owner.orgID)).find((s) => s.name === 'docs')!;
    const opened = JSON.parse(open(await platformKeyring(), { ciphertext: row.ciphertext!, keyVersion: row.key_version! }, mcpAad(owner.orgID, row.id)));
    expect(opened).toEqual({ kind: 'headers', values: { Authorization: 'Bearer docs-secret-value-1234' } });
  });

  it.each([
    ['a header value with a line break', { name: 'x1', projectID: null, transport: 'sse', url: 'https://x.test/sse', allowedTools: [], credentials: [{ name: 'X-Key', value: 'a\r\nEvil: 1' }] }, /without line breaks/],
    ['a name that cannot be part of a tool name', { ...sentry, name: 'my server' }, /becomes part of tool names/],
    ['an env var name in lowercase', { ...sentry, name: 'x2', credentials: [{ name: 'token', value: 'v' }] }, /capital letters/],
    ['a URL with credentials in it', { name: 'x3', projectID: null, transport: 'http', url: 'https://me:pw@x.test', allowedTools: [] }, /Leave credentials out of the URL/],
    ['a STDIO server without a command', { ...sentry, name: 'x4', command: ' ' }, /Enter the command/],
  ])('refuses %s with a 400', async (_what, body, message) => {
    const before = await servers(owner.orgID);
    const answer = await save(owner, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
    expect(await servers(owner.orgID)).toEqual(before);
  });

  it('refuses to turn stored env vars into headers silently', async () => {
    const created = await save(owner, { ...sentry, name: 'switcher', credentials: [{ name: 'API_KEY', value: 'switch-secret-0001' }] });
    const id = (created.body.server as { id: string }).id;
    const answer = await save(owner, { id, name: 'switcher', projectID: null, transport: 'http', url: 'https://x.test/mcp', allowedTools: [] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/^Enter the credentials again/);
  });

  it('refuses a second server of the same name (409)', async () => {
    const answer = await save(owner, sentry);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('An MCP server named sentry already exists; choose another name.');
  });

  it('refuses a Member (403), another organization (404) and a project of another organization (404)', async () => {
    const before = await servers(owner.orgID);
    const byMember = await save(member, { ...sentry, name: 'member-made' });
    expect(byMember.status).toBe(403);
    const byOutsider = await save(outsider, { ...sentry, name: 'outsider-made' });
    expect(byOutsider.status).toBe(404);
    const [row] = before;
    const foreignUpdate = await save(outsider, { ...sentry, id: row.id, name: 'hijack' }, outsider.orgID);
    expect(foreignUpdate.status).toBe(404);
    expect(foreignUpdate.body.error).toBe('MCP server not found.');
    const projectId = nanoid();
    await sql(testStack().databaseUrl, 'INSERT INTO project (id, organization_id, key, name, last_ticket_number, created_at) VALUES ($1, $2, $3, $4, 0, $5)', [
      projectId,
      owner.orgID,
      'MCP',
      'MCP project',
      Date.now(),
    ]);
    const foreignProject = await save(outsider, { ...sentry, name: 'scoped', projectID: projectId }, outsider.orgID);
    expect(foreignProject.status).toBe(404);
    expect(foreignProject.body.error).toBe('Project not found.');
    expect(await servers(owner.orgID)).toEqual(before);
  });
});
