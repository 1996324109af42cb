// Creating a ticket on the server: the row, its description, the per-project display
// number and (when asked) the status trigger, in the caller's transaction. The board
// creates through Zero: its shared mutator writes the row (optimistically in the browser,
// authoritatively on the server) and the server mutator then calls `finishTicketCreate`.
import { eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { rankAtEndOfColumn } from './column.ts';
import { formatDisplayId } from './display-id.ts';
import { parentProblem, type TicketType } from './hierarchy.ts';
import { runStatusTrigger, type JobTrigger } from './trigger.ts';

export type NewTicket = {
  organizationId: string;
  projectId: string;
  statusId: string;
  title: string;
  type: TicketType;
  creatorId: string;
  description?: string;
  parentId?: string | null;
  /** The drop position; the end of the status column when absent. */
  rank?: string;
};

export type CreatedTicket = { id: string; number: number; displayId: string };

export async function createTicket(tx: DbOrTx, input: NewTicket, trigger: JobTrigger): Promise<CreatedTicket> {
  const id = nanoid();
  if (input.parentId) await assertParentOfNewTicket(tx, input.parentId, { id, projectId: input.projectId, type: input.type });
  const now = Date.now();
  await tx.insert(t.ticket).values({
    id,
    organizationId: input.organizationId,
    projectId: input.projectId,
    number: null,
    title: input.title.trim(),
    type: input.type,
    statusId: input.statusId,
    rank: input.rank ?? (await rankAtEndOfColumn(tx, input.projectId, input.statusId)),
    parentId: input.parentId ?? null,
    assigneeId: null,
    creatorId: input.creatorId,
    aiFailed: false,
    createdAt: now,
    updatedAt: now,
  });
  if (input.description?.trim()) {
    await tx.insert(t.ticketDescription).values({ ticketId: id, organizationId: input.organizationId, body: input.description });
  }
  const { number, projectKey } = await finishTicketCreate(tx, { ticketId: id, projectId: input.projectId }, trigger);
  return { id, number, displayId: formatDisplayId(projectKey, number) };
}

/** What only the server decides once a new ticket's row is written: its number, then the trigger. */
export async function finishTicketCreate(
  tx: DbOrTx,
  ticket: { ticketId: string; projectId: string },
  trigger: JobTrigger,
): Promise<{ number: number; projectKey: string }> {
  // The per-project counter is bumped under its row lock, so numbers never repeat.
  const { rows } = await tx.execute<{ last_ticket_number: number; key: string }>(
    sql`UPDATE project SET last_ticket_number = last_ticket_number + 1 WHERE id = ${ticket.projectId} RETURNING last_ticket_number, key`,
  );
  const number = Number(rows[0].last_ticket_number);
  await tx.update(t.ticket).set({ number }).where(eq(t.ticket.id, ticket.ticketId));
  await runStatusTrigger(tx, ticket.ticketId, trigger);
  return { number, projectKey: rows[0].key };
}

async function assertParentOfNewTicket(tx: DbOrTx, parentId: string, child: { id: string; projectId: string; type: TicketType }): Promise<void> {
  const [parent] = await tx.select({ id: t.ticket.id, projectId: t.ticket.projectId, type: t.ticket.type }).from(t.ticket).where(eq(t.ticket.id, parentId));
  if (!parent) throw new SpedyError('notFound', 'The parent ticket no longer exists.');
  // A new ticket has no children yet, so it cannot close a loop.
  const problem = parentProblem(child, parent, () => null);
  if (problem) throw new SpedyError('invalid', problem);
}
