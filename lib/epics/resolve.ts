// Reading an Epic's tickets and BLOCKS links for its graph (./graph.ts decides).
import { eq, inArray } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { buildEpicGraph, type EpicGraphResult } from './graph.ts';

/**
 * The graph of the Epic's descendants now. `completionStatus`: tickets already there count as
 * completed (a restart passes null: everything runs again).
 */
export async function resolveEpicGraph(tx: DbOrTx, epic: { id: string; projectId: string }, completionStatus: string | null): Promise<EpicGraphResult> {
  const rows = await tx
    .select({ id: t.ticket.id, number: t.ticket.number, parentId: t.ticket.parentId, key: t.project.key, statusName: t.projectStatus.name })
    .from(t.ticket)
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .innerJoin(t.projectStatus, eq(t.projectStatus.id, t.ticket.statusId))
    .where(eq(t.ticket.projectId, epic.projectId));
  const tickets = rows.map((r) => ({
    id: r.id,
    displayId: formatDisplayId(r.key, r.number),
    parentId: r.parentId,
    completed: completionStatus !== null && r.statusName === completionStatus,
  }));
  const ids = rows.map((r) => r.id);
  const blocks = ids.length ? await tx.select({ blockerId: t.ticketBlock.blockerId, blockedId: t.ticketBlock.blockedId }).from(t.ticketBlock).where(inArray(t.ticketBlock.blockedId, ids)) : [];
  return buildEpicGraph(epic.id, tickets, blocks);
}
