// add_comment: a comment on the job's ticket, marked as the runner's, in the name of the
// acting user (author.ts). Mentions are stored like the board stores them (handle ids),
// but a runner's comment triggers no jobs: an agent mentioning a team must not start
// another agent (or itself) in a loop.
import { and, eq, inArray } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { extractMentionHandles } from '../board/mentions.ts';
import * as t from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { actingUserFor, runnerCommentBody } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };

export async function addRunnerComment(db: Db, runner: Runner, jobId: string, body: string): Promise<{ comment: { id: string; ticketId: string } }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const ticketId = requireTicket(job);
    const authorId = await actingUserFor(tx, job);
    const text = runnerCommentBody(body);
    const handles = extractMentionHandles(text);
    const mentions = handles.length
      ? (await tx.select({ id: t.handle.id }).from(t.handle).where(and(eq(t.handle.organizationId, job.organizationId), inArray(t.handle.handle, handles)))).map((h) => h.id)
      : [];
    const now = Date.now();
    const id = nanoid();
    await tx.insert(t.comment).values({ id, organizationId: job.organizationId, ticketId, authorId, body: text, mentions, createdAt: now, updatedAt: now });
    await tx.update(t.ticket).set({ updatedAt: now }).where(eq(t.ticket.id, ticketId));
    return { comment: { id, ticketId } };
  });
}
