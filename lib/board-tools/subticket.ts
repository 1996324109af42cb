// create_subticket: a child of the job's ticket in the project's first status column, with
// the next display number, in the acting user's name (author.ts). Like a ticket created on
// the board, it may trigger the project's team if that first column is its working status.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { formatDisplayId } from '../board/display-id.ts';
import { rankBetween } from '../board/rank.ts';
import { parentTypeProblem, type TicketType } from '../board/ticket-hierarchy.ts';
import * as t from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { jobForStatusChange } from '../jobs/triggers.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { actingUserFor } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };
export type SubticketInput = { title: string; description?: string; type?: 'story' | 'task' | 'bug' };

/** The child type when the agent names none: one level below the parent. */
const defaultChildType: Record<TicketType, TicketType> = { epic: 'story', story: 'task', task: 'task', bug: 'task' };

export async function createRunnerSubticket(db: Db, runner: Runner, jobId: string, input: SubticketInput) {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const parentId = requireTicket(job);
    const [parent] = await tx.select().from(t.ticket).where(eq(t.ticket.id, parentId));
    const type = input.type ?? defaultChildType[parent.type];
    const problem = parentTypeProblem(type, parent.type);
    if (problem) throw new SpedyError('invalid', problem);
    const [first] = await tx.select().from(t.projectStatus).where(eq(t.projectStatus.projectId, parent.projectId)).orderBy(asc(t.projectStatus.position)).limit(1);
    const [last] = await tx
      .select({ rank: t.ticket.rank })
      .from(t.ticket)
      .where(and(eq(t.ticket.projectId, parent.projectId), eq(t.ticket.statusId, first.id)))
      .orderBy(desc(sql`${t.ticket.rank} COLLATE "C"`))
      .limit(1);
    // The per-project counter is bumped under its row lock, so numbers never repeat.
    const { rows } = await tx.execute<{ last_ticket_number: number; key: string }>(
      sql`UPDATE project SET last_ticket_number = last_ticket_number + 1 WHERE id = ${parent.projectId} RETURNING last_ticket_number, key`,
    );
    const number = Number(rows[0].last_ticket_number);
    const creatorId = await actingUserFor(tx, job);
    const now = Date.now();
    const id = nanoid();
    await tx.insert(t.ticket).values({
      id,
      organizationId: job.organizationId,
      projectId: parent.projectId,
      number,
      title: input.title.trim(),
      type,
      statusId: first.id,
      rank: rankBetween(last?.rank ?? null, null),
      parentId: parent.id,
      assigneeId: null,
      creatorId,
      aiFailed: false,
      createdAt: now,
      updatedAt: now,
    });
    if (input.description?.trim()) await tx.insert(t.ticketDescription).values({ ticketId: id, organizationId: job.organizationId, body: input.description });
    await jobForStatusChange(tx, { ticketId: id, actorId: creatorId });
    return { ticket: { id, displayId: formatDisplayId(rows[0].key, number), title: input.title.trim(), type, status: first.name } };
  });
}
