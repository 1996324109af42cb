// Commenting on a ticket on the server: mentions resolved to handle ids, and (when asked)
// a Board Interaction job for each mentioned team, in the caller's transaction. The board
// comments through Zero: its shared mutator writes the comment (resolving mentions with
// `resolveMentions` through Zero) and the server mutator then calls `finishCommentAdd`.
import { and, eq, inArray } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { jobsForMentions } from '../jobs/triggers.ts';
import { resolveMentions, type HandleLookup } from './mentions.ts';
import type { JobTrigger } from './trigger.ts';

export type NewComment = { organizationId: string; ticketId: string; authorId: string; body: string };

/** Adds the comment and marks the ticket as updated. */
export async function addComment(tx: DbOrTx, input: NewComment, trigger: JobTrigger): Promise<{ id: string }> {
  const mentions = await resolveMentions(input.body, input.organizationId, handlesIn(tx));
  const now = Date.now();
  const id = nanoid();
  await tx.insert(t.comment).values({ id, ...input, mentions, createdAt: now, updatedAt: now });
  await tx.update(t.ticket).set({ updatedAt: now }).where(eq(t.ticket.id, input.ticketId));
  await finishCommentAdd(tx, { id, ticketId: input.ticketId, body: input.body, mentionIds: mentions }, trigger);
  return { id };
}

export async function finishCommentAdd(
  tx: DbOrTx,
  comment: { id: string; ticketId: string; body: string; mentionIds: string[] },
  trigger: JobTrigger,
): Promise<void> {
  if (!trigger.trigger) return;
  await jobsForMentions(tx, { ticketId: comment.ticketId, commentId: comment.id, body: comment.body, mentionIds: comment.mentionIds, actorId: trigger.actorId });
}

function handlesIn(tx: DbOrTx): HandleLookup {
  return (organizationId, handles) =>
    tx.select({ id: t.handle.id }).from(t.handle).where(and(eq(t.handle.organizationId, organizationId), inArray(t.handle.handle, handles)));
}
