import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../jobs/create.ts';
import { createBoardWithTicket, type BoardFixture } from '../../test/support/board.ts';
import { sql } from '../../test/support/db.ts';
import { newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { runnerCommentMarker } from './author.ts';

let acme: RunnerOrg;
let globex: RunnerOrg;
let acmeRunner: string;
let globexRunner: string;
let board: BoardFixture;
let globexBoard: BoardFixture;

const db = () => testStack().databaseUrl;

/** A job on the ticket, claimed by `runnerId`. */
async function claimedTicketJob(org: RunnerOrg, runnerId: string, fixture: BoardFixture): Promise<string> {
  const job = await org.db.transaction((tx) =>
    createJob(tx, {
      organizationId: org.account.orgID,
      type: 'board_interaction',
      title: 'Answer on the ticket',
      snapshot: sampleSnapshot(),
      ticketId: fixture.ticketId,
      projectId: fixture.projectId,
      createdBy: org.account.userID,
    }),
  );
  const claimed = await org.api.post('jobs/claim', { runnerId, jobId: job.id });
  expect(claimed.status).toBe(200);
  expect(claimed.body.job.id).toBe(job.id);
  return job.id;
}

async function finish(org: RunnerOrg, runnerId: string, jobId: string) {
  for (const status of ['preparing', 'failed']) expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status })).status).toBe(200);
}

beforeAll(async () => {
  [acme, globex] = await Promise.all([newRunnerOrg('Acme Board Owner'), newRunnerOrg('Globex Board Owner')]);
  [acmeRunner, globexRunner] = await Promise.all([registerRunner(acme.api), registerRunner(globex.api)]);
  board = await createBoardWithTicket(db(), { orgId: acme.account.orgID, creatorId: acme.account.userID, key: 'ACM' });
  globexBoard = await createBoardWithTicket(db(), { orgId: globex.account.orgID, creatorId: globex.account.userID, key: 'GLX', title: 'Globex secret plans' });
});

afterAll(async () => {
  await acme?.closeDb();
  await globex?.closeDb();
});

describe('board tools for a job held by the runner', () => {
  it("reads the job's ticket with its statuses and comments, and comments as the runner", async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, board);
    await sql(db(), 'INSERT INTO comment (id, organization_id, ticket_id, author_id, body, mentions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)', [
      `c-${jobId}`,
      acme.account.orgID,
      board.ticketId,
      acme.account.userID,
      '@team can you look at the + in addresses?',
      '[]',
      Date.now(),
    ]);

    const read = await acme.api.get(`jobs/${jobId}/board/ticket?runnerId=${acmeRunner}`);
    expect(read.status).toBe(200);
    expect(read.body.ticket).toMatchObject({
      id: board.ticketId,
      displayId: 'ACM-1',
      title: 'Fix the login flow',
      type: 'story',
      status: 'Todo',
      description: 'Users cannot log in with a + in their e-mail address.',
      project: { key: 'ACM', statuses: ['Backlog', 'Todo', 'AI Processing', 'In Review', 'Done'] },
      parent: null,
    });
    expect(read.body.ticket.comments.at(-1)).toMatchObject({ author: 'Acme Board Owner', body: '@team can you look at the + in addresses?' });

    const posted = await acme.api.post(`jobs/${jobId}/board/comments`, { runnerId: acmeRunner, body: 'The address parser drops the +; fix in PR #12.' });
    expect(posted.status).toBe(200);
    const [row] = await sql(db(), 'SELECT author_id, body, ticket_id FROM comment WHERE id = $1', [posted.body.comment.id]);
    expect(row).toEqual({ author_id: acme.account.userID, ticket_id: board.ticketId, body: `${runnerCommentMarker}\n\nThe address parser drops the +; fix in PR #12.` });
    await finish(acme, acmeRunner, jobId);
  });

  it('moves the ticket by status name and creates subtickets with the next number', async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, board);
    const moved = await acme.api.post(`jobs/${jobId}/board/status`, { runnerId: acmeRunner, status: 'in review' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ ticketId: board.ticketId, status: 'In Review' });
    const [ticket] = await sql(db(), 'SELECT s.name FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1', [board.ticketId]);
    expect(ticket.name).toBe('In Review');

    const unknown = await acme.api.post(`jobs/${jobId}/board/status`, { runnerId: acmeRunner, status: 'Shipped' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('"Backlog", "Todo", "AI Processing", "In Review", "Done"');

    const created = await acme.api.post(`jobs/${jobId}/board/subtickets`, { runnerId: acmeRunner, title: 'Handle + in addresses', description: 'Parser fix.' });
    expect(created.status).toBe(200);
    expect(created.body.ticket).toMatchObject({ displayId: 'ACM-2', type: 'task', status: 'Backlog', title: 'Handle + in addresses' });
    const [child] = await sql(db(), 'SELECT parent_id, creator_id, number, organization_id FROM ticket WHERE id = $1', [created.body.ticket.id]);
    expect(child).toEqual({ parent_id: board.ticketId, creator_id: acme.account.userID, number: 2, organization_id: acme.account.orgID });

    const epicUnderStory = await acme.api.post(`jobs/${jobId}/board/subtickets`, { runnerId: acmeRunner, title: 'Too big', type: 'story' });
    expect(epicUnderStory.status).toBe(400);
    expect(epicUnderStory.body.error).toMatch(/cannot be a child of a story/);

    const reread = await acme.api.get(`jobs/${jobId}/board/ticket?runnerId=${acmeRunner}`);
    expect(reread.body.ticket.subtickets).toEqual([{ id: created.body.ticket.id, displayId: 'ACM-2', title: 'Handle + in addresses', status: 'Backlog' }]);
    await finish(acme, acmeRunner, jobId);
  });
});

describe('board tools stay inside the job, its runner and its organization', () => {
  it("answers 404 for another organization's job and for its tickets by display id", async () => {
    const globexJob = await claimedTicketJob(globex, globexRunner, globexBoard);
    const foreignJob = await acme.api.get(`jobs/${globexJob}/board/ticket?runnerId=${acmeRunner}`);
    expect(foreignJob.status).toBe(404);
    expect(foreignJob.body.error).toBe('No such job in this organization.');
    const foreignComment = await acme.api.post(`jobs/${globexJob}/board/comments`, { runnerId: acmeRunner, body: 'hello' });
    expect(foreignComment.status).toBe(404);

    const ownJob = await claimedTicketJob(acme, acmeRunner, board);
    const foreignTicket = await acme.api.get(`jobs/${ownJob}/board/ticket?runnerId=${acmeRunner}&displayId=GLX-1`);
    expect(foreignTicket.status).toBe(404);
    expect(JSON.stringify(foreignTicket.body)).not.toContain('Globex secret plans');
    const [{ n }] = await sql(db(), 'SELECT count(*)::int AS n FROM comment WHERE ticket_id = $1', [globexBoard.ticketId]);
    expect(n).toBe(0);
    await finish(acme, acmeRunner, ownJob);
    await finish(globex, globexRunner, globexJob);
  });

  it('refuses a runner that does not hold the job, and a job that has finished', async () => {
    const jobId = await claimedTicketJob(acme, acmeRunner, board);
    const otherRunner = await registerRunner(acme.api);
    const notHeld = await acme.api.post(`jobs/${jobId}/board/comments`, { runnerId: otherRunner, body: 'sneaky' });
    expect(notHeld.status).toBe(403);
    await finish(acme, acmeRunner, jobId);
    const finished = await acme.api.post(`jobs/${jobId}/board/comments`, { runnerId: acmeRunner, body: 'too late' });
    expect(finished.status).toBe(409);
    expect(finished.body.error).toMatch(/Failed; board tools work only while it runs/);
  });
});
