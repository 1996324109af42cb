// Writing stored secrets: vault entries (Settings → Runners → Secrets) and the tokens of
// git integrations. Each value is sealed by vault.ts with its row's identity as associated
// data (the AADs bootstrap.ts opens with); the public row holds only a masked preview.
import { and, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { Db } from '../db/client.ts';
import { gitIntegration, gitIntegrationSecret, vaultEntry, vaultValue } from '../db/schema.ts';
import { integrationAad, vaultAad } from './bootstrap.ts';
import { secretEntryName, type SecretInput } from './entry-input.ts';
import { maskedPreview, open, seal, type Keyring } from './vault.ts';

/** What a caller (and a response) may see of a stored entry. */
export type VaultEntrySummary = { id: string; name: string; kind: 'anthropic' | 'custom'; maskedPreview: string; rotatedAt: number; rotated: boolean };

/**
 * Creates the entry, or rotates it when the organization already has one of that name:
 * one row either way, a fresh nonce, `rotatedAt` moved to now. All in one transaction.
 */
export async function storeVaultEntry(
  db: Db,
  keyring: Keyring,
  input: { orgId: string; userId: string; secret: SecretInput },
): Promise<VaultEntrySummary> {
  const name = secretEntryName(input.secret);
  const value = input.secret.preset === 'anthropic' ? input.secret.value.trim() : input.secret.value;
  const now = Date.now();
  const preview = maskedPreview(value);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(vaultEntry)
      .values({ id: nanoid(), organizationId: input.orgId, name, kind: input.secret.preset, maskedPreview: preview, rotatedAt: now, createdAt: now, createdBy: input.userId })
      .onConflictDoNothing({ target: [vaultEntry.organizationId, vaultEntry.name] })
      .returning({ id: vaultEntry.id });
    // A concurrent save of the same name waits here for the other transaction, then rotates.
    const [entry] = inserted.length
      ? inserted
      : await tx
          .update(vaultEntry)
          .set({ maskedPreview: preview, rotatedAt: sql`GREATEST(${now}, ${vaultEntry.rotatedAt} + 1)` })
          .where(and(eq(vaultEntry.organizationId, input.orgId), eq(vaultEntry.name, name)))
          .returning({ id: vaultEntry.id });
    const sealed = seal(keyring, value, vaultAad(input.orgId, entry.id));
    await tx
      .insert(vaultValue)
      .values({ entryId: entry.id, ...sealed })
      .onConflictDoUpdate({ target: vaultValue.entryId, set: sealed });
    const [row] = await tx.select().from(vaultEntry).where(eq(vaultEntry.id, entry.id));
    return { id: row.id, name: row.name, kind: row.kind, maskedPreview: row.maskedPreview, rotatedAt: row.rotatedAt, rotated: inserted.length === 0 };
  });
}

/** Seals an integration's token beside its row; call inside the transaction that writes the row. */
export async function storeIntegrationToken(tx: Pick<Db, 'insert'>, keyring: Keyring, orgId: string, integrationId: string, token: string) {
  const sealed = seal(keyring, token, integrationAad(orgId, integrationId));
  await tx
    .insert(gitIntegrationSecret)
    .values({ integrationId, ...sealed })
    .onConflictDoUpdate({ target: gitIntegrationSecret.integrationId, set: sealed });
}

/**
 * The plain token of one of the organization's integrations, for the platform's own
 * call to the provider (test connection). Never returned to a browser.
 */
export async function openIntegrationToken(db: Db, keyring: Keyring, orgId: string, integrationId: string): Promise<string | null> {
  const [row] = await db
    .select({ ciphertext: gitIntegrationSecret.ciphertext, keyVersion: gitIntegrationSecret.keyVersion })
    .from(gitIntegration)
    .innerJoin(gitIntegrationSecret, eq(gitIntegrationSecret.integrationId, gitIntegration.id))
    .where(and(eq(gitIntegration.id, integrationId), eq(gitIntegration.organizationId, orgId)));
  return row ? open(keyring, row, integrationAad(orgId, integrationId)) : null;
}
