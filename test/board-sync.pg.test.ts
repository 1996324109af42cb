import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankBetween } from '../lib/tickets/rank.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, joinOrg, newMember, openBoard, serverVerdict, type Member } from './support/fixtures.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

let owner: Member;
let teammate: Member;
let project: Awaited<ReturnType<typeof createProject>>;

beforeAll(async () => {
  owner = await newMember('Board Owner');
  teammate = await joinOrg(await newMember('Board Teammate'), owner);
  project = await createProject(owner, 'SYNC');
  await openBoard(teammate, project);
});

afterAll(async () => {
  await owner?.zero.close();
  await teammate?.zero.close();
});

describe('live board between two members', () => {
  it("shows one member's new ticket and move in the other's live query", async () => {
    const view = teammate.zero.materialize(queries.boardTickets({ orgID: owner.orgID, projectID: project.id }));
    const id = await createTicket(owner, project, 'Seen by the teammate');
    const created = await waitForData(view, (rows) => rows.some((t) => t.id === id && t.number != null));
    expect(created.find((t) => t.id === id)?.title).toBe('Seen by the teammate');

    const done = project.statuses[4].id;
    expect(await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id, statusID: done, rank: rankBetween(null, null) })))).toBeNull();
    await waitForData(view, (rows) => rows.some((t) => t.id === id && t.statusId === done));
    view.destroy();
  });

  it('numbers tickets per project without gaps or repeats, even when created at once', async () => {
    const other = await createProject(owner, 'NUM');
    await openBoard(teammate, other);
    const ids = await Promise.all([
      createTicket(owner, other, 'a'),
      createTicket(teammate, other, 'b'),
      createTicket(owner, other, 'c'),
      createTicket(teammate, other, 'd'),
    ]);
    const rows = await sql<{ number: number }>(testStack().databaseUrl, 'SELECT number FROM ticket WHERE id = ANY($1) ORDER BY number', [ids]);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4]);
  });

  it('keeps comments live and stores mentions as handle ids', async () => {
    const ticketId = await createTicket(owner, project, 'Discuss');
    const [{ number }] = await sql<{ number: number }>(testStack().databaseUrl, 'SELECT number FROM ticket WHERE id = $1', [ticketId]);
    const [handle] = await sql<{ id: string; handle: string }>(
      testStack().databaseUrl,
      'SELECT id, handle FROM handle WHERE organization_id = $1 AND user_id = $2',
      [owner.orgID, teammate.userID],
    );
    const view = teammate.zero.materialize(queries.ticketDetail({ orgID: owner.orgID, projectID: project.id, number }));
    const commentId = `c-${ticketId}`;
    expect(await serverVerdict(owner.zero.mutate(mutators.comment.add({ id: commentId, ticketID: ticketId, body: `Over to you @${handle.handle}` })))).toBeNull();
    const detail = await waitForData(view, (t) => (t?.comments.length ?? 0) === 1);
    expect(detail?.comments[0].mentions).toEqual([handle.id]);
    view.destroy();
  });
});

describe('bad input', () => {
  it('refuses an empty title with a readable message and writes nothing', async () => {
    const before = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM ticket WHERE project_id = $1', [project.id]);
    const result = owner.zero.mutate(
      mutators.ticket.create({ id: 'bad-1', projectID: project.id, statusID: project.statuses[0].id, title: '   ', type: 'task', rank: 'a0' }),
    );
    const outcome = await result.client;
    expect(outcome.type).toBe('error');
    expect(JSON.stringify(outcome)).toMatch(/Give the ticket a title/);
    const after = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM ticket WHERE project_id = $1', [project.id]);
    expect(after).toEqual(before);
  });

  it('refuses a status column of another project and rolls the move back', async () => {
    const ticketId = await createTicket(owner, project, 'Stay put');
    const other = await createProject(owner, 'OTH');
    const verdict = await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: other.statuses[1].id, rank: 'a0' })));
    expect(verdict).toMatch(/not a column of this project/);
    const [row] = await sql<{ status_id: string }>(testStack().databaseUrl, 'SELECT status_id FROM ticket WHERE id = $1', [ticketId]);
    expect(row.status_id).toBe(project.statuses[0].id);
  });

  it('refuses a parent that breaks the epic > story > task hierarchy', async () => {
    const taskId = await createTicket(owner, project, 'A task');
    const otherTask = await createTicket(owner, project, 'Another task');
    const verdict = await serverVerdict(owner.zero.mutate(mutators.ticket.update({ id: otherTask, parentID: taskId })));
    expect(verdict).toMatch(/cannot be a child/);
  });

  it('lets only administrators create projects', async () => {
    const verdict = await serverVerdict(
      teammate.zero.mutate(
        mutators.project.create({ id: 'p-member', orgID: owner.orgID, key: 'MEM', name: 'Nope', statuses: [{ id: 's1', name: 'Todo', position: 'a0' }] }),
      ),
    );
    expect(verdict).toMatch(/Only administrators/);
    expect(await sql(testStack().databaseUrl, "SELECT id FROM project WHERE id = 'p-member'")).toEqual([]);
  });
});
