// A project with the default status columns and one ticket, written straight to
// PostgreSQL (no Zero client needed), for tests of what runners do on the board.
import { nanoid } from 'nanoid';
import { defaultStatuses } from '../../lib/board/statuses.ts';
import { rankBetween } from '../../lib/tickets/rank.ts';
import { sql } from './db.ts';

export type BoardFixture = { projectId: string; key: string; statuses: { id: string; name: string }[]; ticketId: string; displayId: string };

export async function createBoardWithTicket(
  databaseUrl: string,
  input: { orgId: string; creatorId: string; key?: string; title?: string; description?: string; type?: 'epic' | 'story' | 'task' | 'bug' },
): Promise<BoardFixture> {
  const key = input.key ?? 'SPD';
  const projectId = nanoid();
  const statuses = defaultStatuses(nanoid);
  const now = Date.now();
  await sql(databaseUrl, 'INSERT INTO project (id, organization_id, key, name, last_ticket_number, created_at) VALUES ($1, $2, $3, $4, 1, $5)', [
    projectId,
    input.orgId,
    key,
    `Project ${key}`,
    now,
  ]);
  for (const s of statuses) {
    await sql(databaseUrl, 'INSERT INTO project_status (id, organization_id, project_id, name, position) VALUES ($1, $2, $3, $4, $5)', [
      s.id,
      input.orgId,
      projectId,
      s.name,
      s.position,
    ]);
  }
  const ticketId = nanoid();
  await sql(
    databaseUrl,
    `INSERT INTO ticket (id, organization_id, project_id, number, title, type, status_id, rank, parent_id, assignee_id, creator_id, ai_failed, created_at, updated_at)
     VALUES ($1, $2, $3, 1, $4, $5, $6, $7, NULL, NULL, $8, false, $9, $9)`,
    [ticketId, input.orgId, projectId, input.title ?? 'Fix the login flow', input.type ?? 'story', statuses[1].id, rankBetween(null, null), input.creatorId, now],
  );
  await sql(databaseUrl, 'INSERT INTO ticket_description (ticket_id, organization_id, body) VALUES ($1, $2, $3)', [
    ticketId,
    input.orgId,
    input.description ?? 'Users cannot log in with a + in their e-mail address.',
  ]);
  return { projectId, key, statuses, ticketId, displayId: `${key}-1` };
}
