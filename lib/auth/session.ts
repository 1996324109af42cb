import { eq } from 'drizzle-orm';
import { getDb } from '../db/client.ts';
import { member } from '../db/schema.ts';
import { getAuth } from './auth.ts';
import type { ZeroContext } from './context.ts';
import { memberRole } from './roles.ts';

export async function getSession(headers: Headers) {
  return getAuth().api.getSession({ headers });
}

/** The caller's memberships, read fresh from PostgreSQL on every request. */
export async function buildZeroContext(userID: string): Promise<ZeroContext> {
  const rows = await getDb().select({ orgId: member.organizationId, role: member.role }).from(member).where(eq(member.userId, userID));
  return { userID, orgs: Object.fromEntries(rows.map((r) => [r.orgId, memberRole(r.role)])) };
}

export async function getZeroContext(headers: Headers): Promise<ZeroContext | null> {
  const session = await getSession(headers);
  return session ? buildZeroContext(session.user.id) : null;
}
