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
import { testGithubAppConnection, testGithubConnection } from './github.ts';
import { readGithubAppKey } from './github-app.ts';
import { platformProviderTransport } from './provider-transport.ts';
import { defaultApiUrls, retiredTokenKinds, type ConnectIntegrationInput, type IntegrationTestResult, type TokenKind } from './providers.ts';

export type IntegrationSummary = {
  id: string;
  provider: 'github' | 'bitbucket';
  tokenKind: TokenKind;
  apiUrl: string;
  username: string | null;
  accountEmail: string | null;
  githubAppId: string | null;
  githubInstallationId: string | null;
  maskedPreview: string;
  active: boolean;
  rotated: boolean;
};

/** The sealed secret (a token, or a GitHub App's private key) and the row's fields for it. */
function credentialsOf(input: ConnectIntegrationInput) {
  const none = { username: null, accountEmail: null, githubAppId: null, githubInstallationId: null };
  if (input.provider === 'bitbucket') return { secret: input.token, preview: maskedPreview(input.token), fields: { ...none, accountEmail: input.email } };
  if (input.tokenKind === 'personal') return { secret: input.token, preview: maskedPreview(input.token), fields: none };
  // Read now: a key node cannot read is refused before anything is written.
  readGithubAppKey(input.privateKey);
  return {
    secret: input.privateKey,
    preview: `App ${input.appId} · installation ${input.installationId}`,
    fields: { ...none, githubAppId: input.appId, githubInstallationId: input.installationId },
  };
}

/** Connects the provider, or replaces its credentials and settings; the row and its sealed secret in one transaction. */
export async function connectIntegration(db: Db, keyring: Keyring, orgId: string, input: ConnectIntegrationInput): Promise<IntegrationSummary> {
  const now = Date.now();
  const { secret, preview, fields: credentialFields } = credentialsOf(input);
  const fields = {
    tokenKind: input.tokenKind,
    apiUrl: input.apiUrl ?? defaultApiUrls[input.provider],
    ...credentialFields,
    maskedPreview: preview,
    active: true,
    rotatedAt: now,
    // New credentials have not been tested yet; an old result would describe the old ones.
    lastTestedAt: null,
    lastTestResult: null,
  };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(gitIntegration)
      .values({ id: nanoid(), organizationId: orgId, provider: input.provider, createdAt: now, ...fields })
      .onConflictDoUpdate({ target: [gitIntegration.organizationId, gitIntegration.provider], set: fields })
      .returning({ id: gitIntegration.id, inserted: sql<boolean>`xmax = 0` });
    await storeIntegrationToken(tx, keyring, orgId, row.id, secret);
    const { lastTestedAt: _t, lastTestResult: _r, rotatedAt: _at, ...shown } = fields;
    return { id: row.id, provider: input.provider, ...shown, rotated: !row.inserted };
  });
}

type IntegrationRow = typeof gitIntegration.$inferSelect;

function testWith(integration: IntegrationRow, secret: string): Promise<IntegrationTestResult> {
  const transport = platformProviderTransport();
  const { apiUrl } = integration;
  switch (integration.tokenKind) {
    case 'personal':
      return testGithubConnection({ apiUrl, tokenKind: 'personal', token: secret }, transport);
    case 'github_app':
      return testGithubAppConnection(
        { apiUrl, appId: integration.githubAppId ?? '', installationId: integration.githubInstallationId ?? '', privateKey: secret },
        transport,
      );
    case 'api_token':
      return testBitbucketConnection({ apiUrl, email: integration.accountEmail ?? '', username: null, token: secret }, transport);
    case 'app_password':
    case 'app_installation':
      // Retired: there is nothing to call that would tell more than what to create instead.
      return Promise.resolve({ ok: false, missing: [], message: retiredTokenKinds[integration.tokenKind] ?? '' });
  }
}

/** Calls the provider with the stored credentials and records the outcome on the integration. */
export async function testIntegration(db: Db, keyring: Keyring, orgId: string, integrationId: string): Promise<IntegrationTestResult> {
  const [integration] = await db
    .select()
    .from(gitIntegration)
    .where(and(eq(gitIntegration.id, integrationId), eq(gitIntegration.organizationId, orgId)));
  const secret = integration ? await openIntegrationToken(db, keyring, orgId, integration.id) : null;
  if (!integration || secret === null) throw new SpedyError('notFound', 'Integration not found.');
  const result = await testWith(integration, secret);
  await db
    .update(gitIntegration)
    .set({ lastTestedAt: Date.now(), lastTestResult: result })
    // Only if the credentials were not replaced meanwhile: the result describes the ones we used.
    .where(and(eq(gitIntegration.id, integration.id), eq(gitIntegration.rotatedAt, integration.rotatedAt)));
  return result;
}
