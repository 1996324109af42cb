import { defineMutator, defineMutators, type Transaction } from '@rocicorp/zero';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../lib/jobs/db.ts';
import { jobForStatusChange, jobsForMentions } from '../lib/jobs/triggers.ts';
import { mutators } from './mutators.ts';
import { runnerServerMutators } from './mutators/runner-server.ts';
import { createTicketArgs, moveTicketArgs, ticketMutators } from './mutators/ticket.ts';
import { addCommentArgs, commentMutators } from './mutators/comment.ts';
import { zql } from './schema.gen.ts';

/** The Drizzle transaction Zero's server transaction runs in (same PostgreSQL transaction). */
function drizzleOf(tx: Transaction): DbOrTx {
  if (tx.location !== 'server') throw new Error('Only server mutators reach the database directly.');
  return tx.dbTransaction.wrappedTransaction as DbOrTx;
}

/**
 * Server-side versions of the shared mutators: same checks, plus what only the server
 * decides, in the same transaction: display numbers and the jobs a change triggers.
 */
export const serverMutators = defineMutators(mutators, {
  ...runnerServerMutators,
  ticket: {
    create: defineMutator(createTicketArgs, async (options) => {
      await ticketMutators.create.fn(options);
      const { tx, args, ctx } = options;
      // The per-project counter is bumped under a row lock, so numbers never repeat.
      const { rows } = await drizzleOf(tx).execute<{ last_ticket_number: number }>(
        sql`UPDATE project SET last_ticket_number = last_ticket_number + 1 WHERE id = ${args.projectID} RETURNING last_ticket_number`,
      );
      await tx.mutate.ticket.update({ id: args.id, number: Number(rows[0].last_ticket_number) });
      await jobForStatusChange(drizzleOf(tx), { ticketId: args.id, actorId: ctx.userID });
    }),

    move: defineMutator(moveTicketArgs, async (options) => {
      const before = await options.tx.run(zql.ticket.where('id', options.args.id).one());
      await ticketMutators.move.fn(options);
      const { tx, args, ctx } = options;
      if (before && before.statusId !== args.statusID) {
        await jobForStatusChange(drizzleOf(tx), { ticketId: args.id, actorId: ctx.userID });
      }
    }),
  },
  comment: {
    add: defineMutator(addCommentArgs, async (options) => {
      await commentMutators.add.fn(options);
      const { tx, args, ctx } = options;
      const comment = await tx.run(zql.comment.where('id', args.id).one());
      if (!comment) return;
      await jobsForMentions(drizzleOf(tx), {
        ticketId: args.ticketID,
        commentId: comment.id,
        body: comment.body,
        mentionIds: comment.mentions ?? [],
        actorId: ctx.userID,
      });
    }),
  },
});
