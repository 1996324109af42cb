// The runner bootstrap bundle: with a job's MCP credentials (mcp-credentials.ts), the only
// place decrypted values leave the platform. `env` holds the vault entries (the agent's
// environment); the git integrations' tokens travel apart in `git`, for the supervisor's
// own clone and push: they never enter a job's container.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { gitIntegration, gitIntegrationSecret, vaultEntry, vaultValue } from '../db/schema.ts';
import type { BootstrapResponse } from '@spedy/protocol/wire';
import { open, type Keyring } from './vault.ts';

/** Associated data binding a ciphertext to its row. */
export const vaultAad = (orgId: string, entryId: string) => `vault/${orgId}/${entryId}`;
export const integrationAad = (orgId: string, integrationId: string) => `integration/${orgId}/${integrationId}`;
export const mcpAad = (orgId: string, mcpServerId: string) => `mcp/${orgId}/${mcpServerId}`;

export async function buildBootstrapBundle(db: Db, keyring: Keyring, orgId: string): Promise<BootstrapResponse> {
  const entries = await db
    .select({ id: vaultEntry.id, name: vaultEntry.name, ciphertext: vaultValue.ciphertext, keyVersion: vaultValue.keyVersion })
    .from(vaultEntry)
    .innerJoin(vaultValue, eq(vaultValue.entryId, vaultEntry.id))
    .where(eq(vaultEntry.organizationId, orgId));
  const env: Record<string, string> = {};
  for (const e of entries) env[e.name] = open(keyring, e, vaultAad(orgId, e.id));

  const integrations = await db
    .select({
      id: gitIntegration.id,
      provider: gitIntegration.provider,
      apiUrl: gitIntegration.apiUrl,
      username: gitIntegration.username,
      email: gitIntegration.accountEmail,
      tokenKind: gitIntegration.tokenKind,
      ciphertext: gitIntegrationSecret.ciphertext,
      keyVersion: gitIntegrationSecret.keyVersion,
    })
    .from(gitIntegration)
    .innerJoin(gitIntegrationSecret, eq(gitIntegrationSecret.integrationId, gitIntegration.id))
    .where(and(eq(gitIntegration.organizationId, orgId), eq(gitIntegration.active, true)));
  // A GitHub App's sealed secret is its private key: it never leaves. Runners get the App's
  // installation tokens per job (git-access.ts).
  const git = integrations
    .filter((i) => i.tokenKind !== 'github_app')
    .map((i) => {
      const token = open(keyring, i, integrationAad(orgId, i.id));
      return { provider: i.provider, apiUrl: i.apiUrl, token, username: i.username, ...(i.email ? { email: i.email } : {}) };
    });
  return { env, git, fetchedAt: Date.now() };
}
