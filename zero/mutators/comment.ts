import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { resolveMentions } from '../../lib/tickets/mentions.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { zql } from '../schema.gen.ts';
import { idArg, markdownArg } from './args.ts';
import { loadComment, loadTicket } from './load.ts';

const bodyArg = markdownArg.refine((b) => b.trim().length > 0, 'Write something before posting.');

/** Mentions resolved through Zero, so the browser shows them before the server confirms. */
function mentionIds(tx: Transaction, orgID: string, body: string): Promise<string[]> {
  return resolveMentions(body, orgID, (organizationId, handles) => tx.run(zql.handle.where('organizationId', organizationId).where('handle', 'IN', handles)));
}

export const addCommentArgs = z.object({ id: idArg, ticketID: idArg, body: bodyArg });

export const commentMutators = {
  add: defineMutator(addCommentArgs, async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.ticketID);
    const now = Date.now();
    await tx.mutate.comment.insert({
      id: args.id,
      organizationId: ticket.organizationId,
      ticketId: ticket.id,
      authorId: ctx.userID,
      body: args.body,
      mentions: await mentionIds(tx, ticket.organizationId, args.body),
      createdAt: now,
      updatedAt: now,
    });
  }),

  edit: defineMutator(z.object({ id: idArg, body: bodyArg }), async ({ tx, args, ctx }) => {
    const comment = await loadComment(tx, ctx, args.id);
    if (comment.authorId !== ctx.userID) throw new SpedyError('forbidden', 'You can only edit your own comments.');
    await tx.mutate.comment.update({
      id: comment.id,
      body: args.body,
      mentions: await mentionIds(tx, comment.organizationId, args.body),
      updatedAt: Date.now(),
    });
  }),

  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const comment = await loadComment(tx, ctx, args.id);
    if (comment.authorId !== ctx.userID) throw new SpedyError('forbidden', 'You can only delete your own comments.');
    await tx.mutate.comment.delete({ id: comment.id });
  }),
};
