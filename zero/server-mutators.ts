import { defineMutator, defineMutators, type Transaction } from '@rocicorp/zero';
import type { DbOrTx } from '../lib/jobs/db.ts';
import { finishCommentAdd } from '../lib/tickets/comment.ts';
import { finishTicketCreate } from '../lib/tickets/create.ts';
import { finishTicketMove } from '../lib/tickets/move.ts';
import { mutators } from './mutators.ts';
import { runnerServerMutators } from './mutators/runner-server.ts';
import { epicRunServerMutators } from './mutators/epic-run-server.ts';
import { createTicketArgs, moveTicketArgs, ticketMutators } from './mutators/ticket.ts';
import { addCommentArgs, commentMutators } from './mutators/comment.ts';
import { zql } from './schema.gen.ts';

/** The Drizzle transaction Zero's server transaction runs in (same PostgreSQL transaction). */
function drizzleOf(tx: Transaction): DbOrTx {
  if (tx.location !== 'server') throw new Error('Only server mutators reach the database directly.');
  return tx.dbTransaction.wrappedTransaction as DbOrTx;
}

/**
 * Server-side versions of the shared mutators: same checks and writes, then what only the
 * server decides (lib/tickets), in the same transaction: display numbers and the jobs a
 * change triggers. A person's create, move and comment trigger.
 */
export const serverMutators = defineMutators(mutators, {
  ...runnerServerMutators,
  epicRun: epicRunServerMutators,
  ticket: {
    create: defineMutator(createTicketArgs, async (options) => {
      await ticketMutators.create.fn(options);
      const { tx, args, ctx } = options;
      await finishTicketCreate(drizzleOf(tx), { ticketId: args.id, projectId: args.projectID }, { trigger: true, actorId: ctx.userID });
    }),

    move: defineMutator(moveTicketArgs, async (options) => {
      const before = await options.tx.run(zql.ticket.where('id', options.args.id).one());
      await ticketMutators.move.fn(options);
      const { tx, args, ctx } = options;
      if (!before) return;
      await finishTicketMove(drizzleOf(tx), { ticketId: args.id, previousStatusId: before.statusId, statusId: args.statusID }, { trigger: true, actorId: ctx.userID });
    }),
  },
  comment: {
    add: defineMutator(addCommentArgs, async (options) => {
      await commentMutators.add.fn(options);
      const { tx, args, ctx } = options;
      const comment = await tx.run(zql.comment.where('id', args.id).one());
      if (!comment) return;
      await finishCommentAdd(
        drizzleOf(tx),
        { id: comment.id, ticketId: args.ticketID, body: comment.body, mentionIds: comment.mentions ?? [] },
        { trigger: true, actorId: ctx.userID },
      );
    }),
  },
});
