// Connecting a git provider and testing the connection. Non-secret changes (active
// toggle, disconnect) are Zero mutators in zero/mutators/runner.ts.
import { and, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { gitIntegration } from '../db/schema.ts';
import { openIntegrationToken, storeIntegrationToken } from '../secrets/entries.ts';
import { maskedPreview, type Keyring } from '../secrets/vault.ts';
import { testBitbucketConnection } from './bitbucket.ts';
import { testGithubConnection } from './github.ts';
import { platformProviderTransport } from './provider-transport.ts';
import { defaultApiUrls, type ConnectIntegrationInput, type IntegrationTestResult } from './providers.ts';

export type IntegrationSummary = {
  id: string;
  provider: 'github' | 'bitbucket';
  tokenKind: 'personal' | 'app_installation' | 'app_password';
  apiUrl: string;
  username: string | null;
  maskedPreview: string;
  active: boolean;
  rotated: boolean;
};

/** Connects the provider, or replaces its token and settings; the row and its sealed token in one transaction. */
export async function connectIntegration(db: Db, keyring: Keyring, orgId: string, input: ConnectIntegrationInput): Promise<IntegrationSummary> {
  const now = Date.now();
  const fields = {
    tokenKind: input.tokenKind,
    apiUrl: input.apiUrl ?? defaultApiUrls[input.provider],
    username: input.provider === 'bitbucket' ? input.username : null,
    maskedPreview: maskedPreview(input.token),
    active: true,
    rotatedAt: now,
    // A new token has not been tested yet; an old result would describe the old one.
    lastTestedAt: null,
    lastTestResult: null,
  };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(gitIntegration)
      .values({ id: nanoid(), organizationId: orgId, provider: input.provider, createdAt: now, ...fields })
      .onConflictDoUpdate({ target: [gitIntegration.organizationId, gitIntegration.provider], set: fields })
      .returning({ id: gitIntegration.id, inserted: sql<boolean>`xmax = 0` });
    await storeIntegrationToken(tx, keyring, orgId, row.id, input.token);
    const { lastTestedAt: _t, lastTestResult: _r, rotatedAt: _at, ...shown } = fields;
    return { id: row.id, provider: input.provider, ...shown, rotated: !row.inserted };
  });
}

/** Calls the provider with the stored token and records the outcome on the integration. */
export async function testIntegration(db: Db, keyring: Keyring, orgId: string, integrationId: string): Promise<IntegrationTestResult> {
  const [integration] = await db
    .select()
    .from(gitIntegration)
    .where(and(eq(gitIntegration.id, integrationId), eq(gitIntegration.organizationId, orgId)));
  const token = integration ? await openIntegrationToken(db, keyring, orgId, integration.id) : null;
  if (!integration || token === null) throw new SpedyError('notFound', 'Integration not found.');
  const transport = platformProviderTransport();
  const result =
    integration.provider === 'github'
      ? await testGithubConnection({ apiUrl: integration.apiUrl, tokenKind: integration.tokenKind === 'app_installation' ? 'app_installation' : 'personal', token }, transport)
      : await testBitbucketConnection({ apiUrl: integration.apiUrl, username: integration.username ?? '', token }, transport);
  await db
    .update(gitIntegration)
    .set({ lastTestedAt: Date.now(), lastTestResult: result })
    // Only if the token was not replaced meanwhile: the result describes the token we used.
    .where(and(eq(gitIntegration.id, integration.id), eq(gitIntegration.rotatedAt, integration.rotatedAt)));
  return result;
}
