// A ticket by its display id (SPD-12), only in the given organization: another
// organization's ticket is "not found", like one that does not exist.
import { and, eq } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { formatDisplayId, parseDisplayId } from './display-id.ts';
import type { TicketAiBudget } from './ai-budget.ts';
import type { TicketType } from './hierarchy.ts';

export type TicketByDisplayId = { id: string; projectId: string; displayId: string; title: string; type: TicketType; description: string; aiBudget: TicketAiBudget | null };

export async function findTicketByDisplayId(tx: Pick<DbOrTx, 'select'>, organizationId: string, displayId: string): Promise<TicketByDisplayId> {
  const parsed = parseDisplayId(displayId);
  if (!parsed) throw new SpedyError('invalid', `"${displayId}" is not a ticket id; write it like SPD-12.`);
  const [row] = await tx
    .select({ id: t.ticket.id, projectId: t.ticket.projectId, number: t.ticket.number, title: t.ticket.title, type: t.ticket.type, aiBudget: t.ticket.aiBudget, key: t.project.key, description: t.ticketDescription.body })
    .from(t.ticket)
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .leftJoin(t.ticketDescription, eq(t.ticketDescription.ticketId, t.ticket.id))
    .where(and(eq(t.ticket.organizationId, organizationId), eq(t.project.key, parsed.key), eq(t.ticket.number, parsed.number)));
  if (!row) throw new SpedyError('notFound', `Ticket ${parsed.key}-${parsed.number} not found.`);
  return { id: row.id, projectId: row.projectId, displayId: formatDisplayId(row.key, row.number), title: row.title, type: row.type, description: row.description ?? '', aiBudget: row.aiBudget };
}
