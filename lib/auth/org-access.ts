import { and, eq } from 'drizzle-orm';
import { getDb } from '../db/client.ts';
import { member, organization } from '../db/schema.ts';

/** The org behind a URL slug, only if the user belongs to it (else null: the page 404s). */
export async function findMemberOrg(userID: string, slug: string) {
  const rows = await getDb()
    .select({ id: organization.id, name: organization.name, slug: organization.slug, role: member.role })
    .from(organization)
    .innerJoin(member, and(eq(member.organizationId, organization.id), eq(member.userId, userID)))
    .where(eq(organization.slug, slug));
  return rows[0] ?? null;
}

export async function listMemberOrgs(userID: string) {
  return getDb()
    .select({ id: organization.id, name: organization.name, slug: organization.slug, role: member.role })
    .from(organization)
    .innerJoin(member, eq(member.organizationId, organization.id))
    .where(eq(member.userId, userID))
    .orderBy(organization.name);
}
