import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { orgIfPermitted } from '../../lib/auth/permissions.ts';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';

const id = z.string().min(1).max(100);
/** The newest deliveries Settings → Integrations lists. */
const deliveriesShown = 20;
/** A ticket's latest retrigger decisions shown beside its pull requests. */
const decisionsShown = 20;

/** The review loop: a ticket's pull requests and retrigger decisions (every member), webhooks (those who manage integrations). */
export const reviewQueries = {
  ticketPullRequests: defineQuery(z.object({ orgID: id, ticketID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.pullRequest, ctx, args.orgID).where('ticketId', args.ticketID).orderBy('createdAt', 'asc'),
  ),

  ticketRetriggers: defineQuery(z.object({ orgID: id, ticketID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.reviewRetrigger, ctx, args.orgID)
      .where('ticketId', args.ticketID)
      .related('review')
      .related('pullRequest')
      .orderBy('createdAt', 'desc')
      .limit(decisionsShown),
  ),

  webhooks: defineQuery(z.object({ orgID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.gitWebhook, ctx, orgIfPermitted(ctx, args.orgID, 'integrations:manage')),
  ),

  deliveries: defineQuery(z.object({ orgID: id, integrationID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.webhookDelivery, ctx, orgIfPermitted(ctx, args.orgID, 'integrations:manage'))
      .where('integrationId', args.integrationID)
      .orderBy('receivedAt', 'desc')
      .limit(deliveriesShown),
  ),
};
