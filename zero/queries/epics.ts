import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';

const id = z.string().min(1).max(100);

/** The Epic Run Panel: the Epic's run with every ticket's node, its ticket and its latest sub-run. */
export const epicQueries = {
  run: defineQuery(z.object({ orgID: id, epicTicketID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.epicRun, ctx, args.orgID)
      .where('epicTicketId', args.epicTicketID)
      .related('nodes', (n) => n.related('ticket').related('job', (j) => j.related('usage')).orderBy('wave', 'asc'))
      .related('closingJob')
      .one(),
  ),

  /** The runs a ticket is part of (a ticket page says "Part of the epic run" while one is active). */
  runsOfTicket: defineQuery(z.object({ orgID: id, ticketID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.epicRunNode, ctx, args.orgID)
      .where('ticketId', args.ticketID)
      .related('run', (r) => r.related('epic')),
  ),
};
