// Where a ticket lands in a status column when nobody dropped it at a place.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { rankBetween } from './rank.ts';

/** A rank after every ticket of the column (ranks compare by code unit, hence COLLATE "C"). */
export async function rankAtEndOfColumn(tx: DbOrTx, projectId: string, statusId: string): Promise<string> {
  const [last] = await tx
    .select({ rank: t.ticket.rank })
    .from(t.ticket)
    .where(and(eq(t.ticket.projectId, projectId), eq(t.ticket.statusId, statusId)))
    .orderBy(desc(sql`${t.ticket.rank} COLLATE "C"`))
    .limit(1);
  return rankBetween(last?.rank ?? null, null);
}

/** The project's first status column (new tickets of agents start there). */
export async function firstColumn(tx: DbOrTx, projectId: string): Promise<typeof t.projectStatus.$inferSelect> {
  const [first] = await tx.select().from(t.projectStatus).where(eq(t.projectStatus.projectId, projectId)).orderBy(asc(t.projectStatus.position)).limit(1);
  return first;
}
