// The one-time setup code of an invite-only install. Any instance creates one at start
// while no organization has an owner; only its hash is stored; the first account that
// presents a valid code takes it, and every other code goes with it.
import { createHash } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { customAlphabet } from 'nanoid';
import type { Db } from '../db/client.ts';
import { invitation, member, setupCode } from '../db/schema.ts';

// No 0/O or 1/I: people type it from a terminal.
const codeAlphabet = customAlphabet('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 20);

function hashCode(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}

export async function ownerExists(db: Db): Promise<boolean> {
  const rows = await db.select({ id: member.id }).from(member).where(eq(member.role, 'owner')).limit(1);
  return rows.length > 0;
}

/** A fresh code while nobody owns an organization, else null. */
export async function createSetupCodeIfUnowned(db: Db): Promise<string | null> {
  if (await ownerExists(db)) return null;
  const raw = codeAlphabet();
  const code = `${raw.slice(0, 5)}-${raw.slice(5, 10)}-${raw.slice(10, 15)}-${raw.slice(15)}`;
  await db.insert(setupCode).values({ codeHash: hashCode(code) });
  return code;
}

/** Takes the code if it is valid (once, on any instance): true when it was. */
export async function takeSetupCode(db: Db, code: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const taken = await tx.delete(setupCode).where(eq(setupCode.codeHash, hashCode(code))).returning({ codeHash: setupCode.codeHash });
    if (taken.length === 0) return false;
    await tx.delete(setupCode);
    return true;
  });
}

/** A pending, unexpired invitation addressed to this email. */
export async function invitationValidFor(db: Db, invitationId: string, email: string): Promise<boolean> {
  const rows = await db
    .select({ id: invitation.id })
    .from(invitation)
    .where(
      and(
        eq(invitation.id, invitationId),
        eq(invitation.status, 'pending'),
        gt(invitation.expiresAt, new Date()),
        sql`lower(${invitation.email}) = lower(${email})`,
      ),
    );
  return rows.length > 0;
}
