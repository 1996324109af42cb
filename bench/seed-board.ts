import { generateNKeysBetween } from 'fractional-indexing';
import { nanoid } from 'nanoid';
import { formatDisplayId } from '../lib/tickets/display-id.ts';
import { sql } from '../test/support/db.ts';
import { createProject, joinOrg, newMember, type Member } from '../test/support/fixtures.ts';

export type BenchBoard = {
  owner: Member;
  teammate: Member;
  project: Awaited<ReturnType<typeof createProject>>;
  ticketCount: number;
  /** `/${orgSlug}/projects/${key}/board` */
  boardPath: string;
  /** The first card of the first column: on screen at the top of a freshly opened board. */
  topTicket: { id: string; displayId: string; path: string };
};

/**
 * Two members of one organization, one project and `ticketCount` tickets spread evenly
 * over its statuses. The tickets are inserted with SQL (zero-cache replicates them like
 * any other write); ticket n sits at place ⌊(n-1)/statuses⌋ of status (n-1) mod statuses.
 */
export async function seedBoard(databaseUrl: string, ticketCount: number, onMember: (m: Member) => void): Promise<BenchBoard> {
  const owner = await newMember('Bench Owner');
  onMember(owner);
  const guest = await newMember('Bench Teammate');
  onMember(guest);
  const teammate = await joinOrg(guest, owner);
  onMember(teammate);
  const project = await createProject(owner, 'BEN');

  const statusCount = project.statuses.length;
  const ranksPerStatus = generateNKeysBetween(null, null, Math.ceil(ticketCount / statusCount));
  const ids: string[] = [];
  const numbers: number[] = [];
  const titles: string[] = [];
  const statusIDs: string[] = [];
  const ranks: string[] = [];
  for (let i = 0; i < ticketCount; i++) {
    ids.push(nanoid());
    numbers.push(i + 1);
    titles.push(`Seeded ticket ${i + 1}: check the ${['login', 'billing', 'search', 'export', 'sync'][i % 5]} flow`);
    statusIDs.push(project.statuses[i % statusCount].id);
    ranks.push(ranksPerStatus[Math.floor(i / statusCount)]);
  }
  const now = Date.now();
  await sql(
    databaseUrl,
    `INSERT INTO ticket (id, organization_id, project_id, number, title, type, status_id, rank,
                         parent_id, assignee_id, creator_id, ai_failed, created_at, updated_at)
     SELECT t.id, $1, $2, t.number, t.title, 'task', t.status_id, t.rank, NULL, NULL, $3, false, $4, $4
     FROM unnest($5::text[], $6::int[], $7::text[], $8::text[], $9::text[]) AS t(id, number, title, status_id, rank)`,
    [owner.orgID, project.id, owner.userID, now, ids, numbers, titles, statusIDs, ranks],
  );
  await sql(databaseUrl, 'UPDATE project SET last_ticket_number = $1 WHERE id = $2', [ticketCount, project.id]);

  const displayId = formatDisplayId(project.key, 1);
  return {
    owner,
    teammate,
    project,
    ticketCount,
    boardPath: `/${owner.orgSlug}/projects/${project.key}/board`,
    topTicket: { id: ids[0], displayId, path: `/${owner.orgSlug}/tickets/${displayId}` },
  };
}
