import { defineMutator, defineMutators } from '@rocicorp/zero';
import { mutators } from './mutators.ts';
import { createTicketArgs, ticketMutators } from './mutators/ticket.ts';

/**
 * Server-side versions of the shared mutators: same checks, plus what only the
 * server may decide, in the same transaction.
 */
export const serverMutators = defineMutators(mutators, {
  ticket: {
    create: defineMutator(createTicketArgs, async (options) => {
      await ticketMutators.create.fn(options);
      const { tx, args } = options;
      if (tx.location !== 'server') return;
      // The per-project counter is bumped under a row lock, so numbers never repeat.
      const rows = await tx.dbTransaction.query(
        'UPDATE project SET last_ticket_number = last_ticket_number + 1 WHERE id = $1 RETURNING last_ticket_number',
        [args.projectID],
      );
      const [row] = [...rows] as { last_ticket_number: number }[];
      await tx.mutate.ticket.update({ id: args.id, number: Number(row.last_ticket_number) });
    }),
  },
});
