// What `setup.sh` asks the platform before it writes a runner's settings: the token is valid
// (the caller authenticated) and whether the vault holds what key mode needs. Names only: no
// value is read or decrypted here.
import { and, eq } from 'drizzle-orm';
import type { ReadinessResponse } from '@spedy/protocol/wire';
import type { Db } from '../db/client.ts';
import { vaultEntry } from '../db/schema.ts';

export async function runnerReadiness(db: Db, organizationId: string): Promise<ReadinessResponse> {
  const found = await db
    .select({ id: vaultEntry.id })
    .from(vaultEntry)
    .where(and(eq(vaultEntry.organizationId, organizationId), eq(vaultEntry.name, 'ANTHROPIC_API_KEY')))
    .limit(1);
  return { organizationId, anthropicApiKey: found.length > 0 };
}
