import { and, eq } from 'drizzle-orm';
import { getDb } from '../db/client.ts';
import { project } from '../db/schema.ts';

/**
 * The id of the organization's project with this key (e.g. "SPD"), or null. The caller has
 * checked that the person belongs to the organization.
 */
export async function findProjectIdByKey(orgID: string, key: string): Promise<string | null> {
  const rows = await getDb()
    .select({ id: project.id })
    .from(project)
    .where(and(eq(project.organizationId, orgID), eq(project.key, key.toUpperCase())));
  return rows[0]?.id ?? null;
}
