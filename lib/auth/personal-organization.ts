import { eq } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { Db } from '../db/client.ts';
import { member, organization } from '../db/schema.ts';
import { slugify } from './slug.ts';

export async function uniqueOrgSlug(db: Db, name: string): Promise<string> {
  const base = slugify(name);
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${nanoid(5).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    const taken = await db.select({ id: organization.id }).from(organization).where(eq(organization.slug, slug));
    if (taken.length === 0) return slug;
  }
}

/** Sign-up gives every new user an organization of their own, as its owner. */
export async function createPersonalOrganization(db: Db, user: { id: string; name: string }) {
  const name = `${user.name.split(' ')[0] || user.name}'s organization`;
  const slug = await uniqueOrgSlug(db, user.name);
  const orgId = nanoid();
  await db.transaction(async (tx) => {
    await tx.insert(organization).values({ id: orgId, name, slug });
    await tx.insert(member).values({ id: nanoid(), organizationId: orgId, userId: user.id, role: 'owner' });
  });
  return { id: orgId, slug };
}
