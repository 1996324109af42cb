// update_status: moves the job's ticket to a status column named by the agent, to the end
// of that column, and (as a move on the board does) lets the project's team trigger on it.
import { eq } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { moveTicket } from '../tickets/move.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { actingUserFor } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };

export async function moveRunnerTicket(db: Db, runner: Runner, jobId: string, statusName: string): Promise<{ ticketId: string; status: string }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const ticketId = requireTicket(job);
    const [ticket] = await tx.select({ projectId: t.ticket.projectId }).from(t.ticket).where(eq(t.ticket.id, ticketId));
    const columns = await tx.select().from(t.projectStatus).where(eq(t.projectStatus.projectId, ticket.projectId)).orderBy(t.projectStatus.position);
    const wanted = statusName.trim();
    const target = columns.find((c) => c.name === wanted) ?? columns.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
    if (!target) {
      throw new SpedyError('invalid', `This project has no status "${wanted}"; use one of: ${columns.map((c) => `"${c.name}"`).join(', ')}.`);
    }
    await moveTicket(tx, { ticketId, statusId: target.id }, { trigger: true, actorId: await actingUserFor(tx, job) });
    return { ticketId, status: target.name };
  });
}
