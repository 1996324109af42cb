// update_status: moves the job's ticket to a status column named by the agent, to the end
// of that column, and (as a move on the board does) lets the project's team trigger on it.
import { and, desc, eq, sql } from 'drizzle-orm';
import { rankBetween } from '../board/rank.ts';
import * as t from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { jobForStatusChange } from '../jobs/triggers.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { actingUserFor } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };

export async function moveRunnerTicket(db: Db, runner: Runner, jobId: string, statusName: string): Promise<{ ticketId: string; status: string }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const ticketId = requireTicket(job);
    const [ticket] = await tx.select().from(t.ticket).where(eq(t.ticket.id, ticketId)).for('update');
    const columns = await tx.select().from(t.projectStatus).where(eq(t.projectStatus.projectId, ticket.projectId)).orderBy(t.projectStatus.position);
    const wanted = statusName.trim();
    const target = columns.find((c) => c.name === wanted) ?? columns.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (!target) {
      throw new SpedyError('invalid', `This project has no status "${wanted}"; use one of: ${columns.map((c) => `"${c.name}"`).join(', ')}.`);
    }
    if (target.id === ticket.statusId) return { ticketId, status: target.name };
    const [last] = await tx
      .select({ rank: t.ticket.rank })
      .from(t.ticket)
      .where(and(eq(t.ticket.projectId, ticket.projectId), eq(t.ticket.statusId, target.id)))
      .orderBy(desc(sql`${t.ticket.rank} COLLATE "C"`))
      .limit(1);
    await tx
      .update(t.ticket)
      .set({ statusId: target.id, rank: rankBetween(last?.rank ?? null, null), updatedAt: Date.now() })
      .where(eq(t.ticket.id, ticketId));
    await jobForStatusChange(tx, { ticketId, actorId: await actingUserFor(tx, job) });
    return { ticketId, status: target.name };
  });
}
