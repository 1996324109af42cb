// Webhook secrets of git integrations (Settings → Integrations): generated here, sealed like
// integration tokens with the row's identity as associated data, shown once when generated.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { gitIntegration, gitWebhook, gitWebhookSecret } from '../db/schema.ts';
import { maskedPreview, open, seal, type Keyring } from './vault.ts';

const webhookAad = (orgId: string, integrationId: string) => `webhook/${orgId}/${integrationId}`;

/** Generates the integration's webhook secret (replacing any earlier one) and returns it in plain, once. */
export async function rotateWebhookSecret(db: Db, keyring: Keyring, orgId: string, integrationId: string): Promise<{ secret: string; maskedPreview: string }> {
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const preview = maskedPreview(secret);
  const now = Date.now();
  await db.transaction(async (tx) => {
    const [integration] = await tx
      .select({ id: gitIntegration.id })
      .from(gitIntegration)
      .where(and(eq(gitIntegration.id, integrationId), eq(gitIntegration.organizationId, orgId)));
    if (!integration) throw new SpedyError('notFound', 'Integration not found.');
    const sealed = seal(keyring, secret, webhookAad(orgId, integrationId));
    await tx
      .insert(gitWebhook)
      .values({ integrationId, organizationId: orgId, maskedPreview: preview, rotatedAt: now })
      .onConflictDoUpdate({ target: gitWebhook.integrationId, set: { maskedPreview: preview, rotatedAt: now } });
    await tx.insert(gitWebhookSecret).values({ integrationId, ...sealed }).onConflictDoUpdate({ target: gitWebhookSecret.integrationId, set: sealed });
  });
  return { secret, maskedPreview: preview };
}

export type WebhookTarget = { integrationId: string; organizationId: string; provider: 'github' | 'bitbucket'; secret: string };

/** The integration a webhook URL names, with its secret for the signature check; null when there is none (or no secret yet). */
export async function openWebhookTarget(db: Db, keyring: Keyring, integrationId: string): Promise<WebhookTarget | null> {
  const [row] = await db
    .select({ organizationId: gitIntegration.organizationId, provider: gitIntegration.provider, active: gitIntegration.active, ciphertext: gitWebhookSecret.ciphertext, keyVersion: gitWebhookSecret.keyVersion })
    .from(gitIntegration)
    .innerJoin(gitWebhookSecret, eq(gitWebhookSecret.integrationId, gitIntegration.id))
    .where(eq(gitIntegration.id, integrationId));
  if (!row?.active) return null;
  return { integrationId, organizationId: row.organizationId, provider: row.provider, secret: open(keyring, row, webhookAad(row.organizationId, integrationId)) };
}
