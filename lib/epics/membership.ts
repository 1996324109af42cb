// While an Epic's run is active, the orchestrator moves its tickets: no status trigger fires
// for a ticket of the run, nor for a new subticket under it (it joins on Continue).
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { formatDisplayId } from '../tickets/display-id.ts';

/** The active run the ticket belongs to (a node of it, or under its Epic), or null. */
export async function activeEpicRunOfTicket(tx: DbOrTx, ticketId: string): Promise<string | null> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM ticket WHERE id = ${ticketId}
      UNION ALL SELECT t.id, t.parent_id, up.depth + 1 FROM ticket t JOIN up ON t.id = up.parent_id WHERE up.depth < 10
    )
    SELECT r.id FROM epic_run r
    WHERE r.status IN ('running', 'paused')
      AND (r.epic_ticket_id IN (SELECT id FROM up WHERE depth > 0)
        OR EXISTS (SELECT 1 FROM epic_run_node n WHERE n.run_id = r.id AND n.ticket_id = ${ticketId}))
    LIMIT 1`);
  return rows[0]?.id ?? null;
}

/** Whether the Epic's own run is active. */
export async function epicRunActive(tx: DbOrTx, epicTicketId: string): Promise<boolean> {
  const { rows } = await tx.execute(sql`SELECT 1 FROM epic_run WHERE epic_ticket_id = ${epicTicketId} AND status IN ('running', 'paused')`);
  return rows.length > 0;
}

/** The display id of the Epic whose active run holds the ticket, or null. */
export async function activeEpicRunEpicOf(tx: DbOrTx, ticketId: string): Promise<string | null> {
  const runId = await activeEpicRunOfTicket(tx, ticketId);
  if (!runId) return null;
  const { rows } = await tx.execute<{ key: string; number: number }>(sql`
    SELECT p.key, t.number FROM epic_run r JOIN ticket t ON t.id = r.epic_ticket_id JOIN project p ON p.id = t.project_id WHERE r.id = ${runId}`);
  return rows[0] ? formatDisplayId(rows[0].key, rows[0].number) : null;
}
