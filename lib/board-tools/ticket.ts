// get_ticket: the job's ticket as the agent reads it — title, status, description, the
// project's status names (what update_status accepts), parent, subtickets and comments.
import { and, asc, eq, sql } from 'drizzle-orm';
import { formatDisplayId } from '../tickets/display-id.ts';
import { findTicketByDisplayId } from '../tickets/lookup.ts';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import type { BoardTicket } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import type { Db } from '../db/client.ts';
import { loadBoardJob, requireTicket, type BoardJob } from './job.ts';

/** The newest comments the agent gets (older ones are summarised by count). */
export const maxTicketComments = 200;

/** The job's ticket, or (read-only) another ticket of its organization by display id. */
export async function getRunnerTicket(db: Db, runner: { id: string; organizationId: string }, jobId: string, displayId?: string): Promise<{ ticket: BoardTicket }> {
  // One snapshot for the ticket, its comments and its children.
  return db.transaction(
    async (tx) => {
      const job = await loadBoardJob(tx, runner, jobId);
      return { ticket: await readBoardTicket(tx, job, displayId) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export async function readBoardTicket(tx: DbOrTx, job: BoardJob, displayId?: string): Promise<BoardTicket> {
  const ticketId = displayId ? (await findTicketByDisplayId(tx, job.organizationId, displayId)).id : requireTicket(job);
  const [row] = await tx
    .select({ ticket: t.ticket, projectKey: t.project.key, projectName: t.project.name, status: t.projectStatus.name, description: t.ticketDescription.body })
    .from(t.ticket)
    .innerJoin(t.project, eq(t.project.id, t.ticket.projectId))
    .innerJoin(t.projectStatus, eq(t.projectStatus.id, t.ticket.statusId))
    .leftJoin(t.ticketDescription, eq(t.ticketDescription.ticketId, t.ticket.id))
    .where(and(eq(t.ticket.id, ticketId), eq(t.ticket.organizationId, job.organizationId)));
  if (!row) throw new SpedyError('notFound', "The job's ticket no longer exists.");
  const { ticket, projectKey } = row;

  const [statuses, parent, children, comments] = await Promise.all([
    tx.select({ name: t.projectStatus.name }).from(t.projectStatus).where(eq(t.projectStatus.projectId, ticket.projectId)).orderBy(asc(t.projectStatus.position)),
    ticket.parentId
      ? tx.select({ id: t.ticket.id, number: t.ticket.number, title: t.ticket.title }).from(t.ticket).where(eq(t.ticket.id, ticket.parentId))
      : Promise.resolve([]),
    tx
      .select({ id: t.ticket.id, number: t.ticket.number, title: t.ticket.title, status: t.projectStatus.name })
      .from(t.ticket)
      .innerJoin(t.projectStatus, eq(t.projectStatus.id, t.ticket.statusId))
      .where(eq(t.ticket.parentId, ticket.id))
      .orderBy(asc(t.ticket.number)),
    tx
      .select({ id: t.comment.id, author: t.user.name, body: t.comment.body, createdAt: t.comment.createdAt })
      .from(t.comment)
      .innerJoin(t.user, eq(t.user.id, t.comment.authorId))
      .where(eq(t.comment.ticketId, ticket.id))
      .orderBy(sql`${t.comment.createdAt} DESC`, sql`${t.comment.id} DESC`)
      .limit(maxTicketComments),
  ]);

  return {
    id: ticket.id,
    displayId: formatDisplayId(projectKey, ticket.number),
    title: ticket.title,
    type: ticket.type,
    status: row.status,
    description: row.description ?? '',
    project: { key: projectKey, name: row.projectName, statuses: statuses.map((s) => s.name) },
    parent: parent[0] ? { id: parent[0].id, displayId: formatDisplayId(projectKey, parent[0].number), title: parent[0].title } : null,
    subtickets: children.map((c) => ({ id: c.id, displayId: formatDisplayId(projectKey, c.number), title: c.title, status: c.status })),
    comments: comments.reverse(),
  };
}
