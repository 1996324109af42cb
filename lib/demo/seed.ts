import { hashPassword } from 'better-auth/crypto';
import { and, eq } from 'drizzle-orm';
import { generateNKeysBetween } from 'fractional-indexing';
import { nanoid } from 'nanoid';
import { defaultStatuses } from '../board/statuses.ts';
import { connectDb } from '../db/client.ts';
import * as t from '../db/schema.ts';
import { sampleLabels, sampleTickets } from './sample-tickets.ts';

export const demoAccount = { email: 'demo@spedy.dev', orgSlug: 'demo' } as const;
export type DemoSignIn = { email: string; password: string; orgSlug: string };

/**
 * Idempotent: a second run finds the demo user and only makes sure its password is this
 * install's (generated per install by the launcher; there is no shared demo password).
 */
export async function seedDemo(databaseUrl: string, demoPassword: string): Promise<DemoSignIn | null> {
  const demoSignIn = { ...demoAccount, password: demoPassword };
  const { db, close } = connectDb(databaseUrl);
  try {
    const password = await hashPassword(demoSignIn.password);
    const existing = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, demoSignIn.email));
    if (existing.length > 0) {
      await db.update(t.account).set({ password }).where(and(eq(t.account.userId, existing[0].id), eq(t.account.providerId, 'credential')));
      return demoSignIn;
    }
    await db.transaction(async (tx) => {
      const userId = nanoid();
      const orgId = nanoid();
      const projectId = nanoid();
      const now = Date.now();
      await tx.insert(t.user).values({ id: userId, name: 'Demo User', email: demoSignIn.email, emailVerified: true });
      await tx.insert(t.account).values({ id: nanoid(), accountId: userId, providerId: 'credential', userId, password });
      await tx.insert(t.organization).values({ id: orgId, name: 'Demo Organization', slug: demoSignIn.orgSlug });
      await tx.insert(t.member).values({ id: nanoid(), organizationId: orgId, userId, role: 'owner' });
      await tx.insert(t.project).values({
        id: projectId,
        organizationId: orgId,
        key: 'SPD',
        name: 'Spedy Demo',
        lastTicketNumber: sampleTickets.length,
        createdAt: now,
      });
      const statuses = defaultStatuses(nanoid);
      await tx.insert(t.projectStatus).values(statuses.map((s) => ({ ...s, organizationId: orgId, projectId })));
      const labelIds = sampleLabels.map(() => nanoid());
      await tx.insert(t.label).values(sampleLabels.map(([name, color], i) => ({ id: labelIds[i], organizationId: orgId, name, color })));
      const ranks = generateNKeysBetween(null, null, sampleTickets.length);
      const ticketIds = sampleTickets.map(() => nanoid());
      await tx.insert(t.ticket).values(
        sampleTickets.map(([title, type, statusIndex], i) => ({
          id: ticketIds[i],
          organizationId: orgId,
          projectId,
          number: i + 1,
          title,
          type,
          statusId: statuses[statusIndex].id,
          rank: ranks[i],
          parentId: i > 0 && i < 4 ? ticketIds[0] : null,
          assigneeId: i % 3 === 0 ? userId : null,
          creatorId: userId,
          aiFailed: false,
          createdAt: now - (sampleTickets.length - i) * 3_600_000,
          updatedAt: now,
        })),
      );
      await tx.insert(t.ticketDescription).values(
        ticketIds.map((ticketId, i) => ({
          ticketId,
          organizationId: orgId,
          body: `## Context\n\n${sampleTickets[i][0]}.\n\n- [ ] Describe the acceptance criteria\n- [ ] Link the relevant code`,
        })),
      );
      await tx
        .insert(t.ticketLabel)
        .values(ticketIds.map((ticketId, i) => ({ ticketId, labelId: labelIds[i % labelIds.length], organizationId: orgId })));
      await tx.insert(t.ticketBlock).values({ blockerId: ticketIds[4], blockedId: ticketIds[6], organizationId: orgId });
    });
    return demoSignIn;
  } finally {
    await close();
  }
}
