// Moving a ticket on the server: to a status column, at a rank, and (when asked) the
// status trigger, in the caller's transaction. The board moves through Zero: its shared
// mutator writes the row and the server mutator then calls `finishTicketMove`.
import { eq } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { rankAtEndOfColumn } from './column.ts';
import { runStatusTrigger, type JobTrigger } from './trigger.ts';

export type TicketMove = {
  ticketId: string;
  /** A status column of the ticket's project. */
  statusId: string;
  /** The drop position; the end of the column when absent. */
  rank?: string;
};

/** Returns false when there was nothing to do (same column, no new place). */
export async function moveTicket(tx: DbOrTx, move: TicketMove, trigger: JobTrigger): Promise<boolean> {
  const [ticket] = await tx
    .select({ projectId: t.ticket.projectId, statusId: t.ticket.statusId })
    .from(t.ticket)
    .where(eq(t.ticket.id, move.ticketId))
    .for('update');
  if (!ticket) throw new SpedyError('notFound', 'Ticket not found.');
  if (ticket.statusId === move.statusId && move.rank === undefined) return false;
  const rank = move.rank ?? (await rankAtEndOfColumn(tx, ticket.projectId, move.statusId));
  await tx.update(t.ticket).set({ statusId: move.statusId, rank, updatedAt: Date.now() }).where(eq(t.ticket.id, move.ticketId));
  await finishTicketMove(tx, { ticketId: move.ticketId, previousStatusId: ticket.statusId, statusId: move.statusId }, trigger);
  return true;
}

/** What follows a written move on the server: a ticket that changed column may start the team's job. */
export async function finishTicketMove(
  tx: DbOrTx,
  move: { ticketId: string; previousStatusId: string; statusId: string },
  trigger: JobTrigger,
): Promise<void> {
  if (move.previousStatusId !== move.statusId) await runStatusTrigger(tx, move.ticketId, trigger);
}
