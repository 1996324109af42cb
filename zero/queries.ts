import { defineQueries, defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { orgIfPermitted } from '../lib/auth/permissions.ts';
import { scopeToOrg } from './context.ts';
import { zql } from './schema.gen.ts';
import { runnerQueries } from './queries/runners.ts';
import { teamQueries } from './queries/teams.ts';
import { analyticsQueries } from './queries/analytics.ts';
import { epicQueries } from './queries/epics.ts';

const id = z.string().min(1).max(100);
const orgArgs = z.object({ orgID: id });

export const queries = defineQueries({
  teams: teamQueries,
  runners: runnerQueries,
  analytics: analyticsQueries,
  epics: epicQueries,

  organizations: defineQuery(({ ctx }) => zql.organization.where('id', 'IN', Object.keys(ctx?.orgs ?? {}))),

  projects: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.project, ctx, args.orgID)
      .related('statuses', (s) => s.orderBy('position', 'asc'))
      .orderBy('name', 'asc'),
  ),

  project: defineQuery(z.object({ orgID: id, key: z.string().max(10) }), ({ args, ctx }) =>
    scopeToOrg(zql.project, ctx, args.orgID)
      .where('key', args.key)
      .related('statuses', (s) => s.orderBy('position', 'asc'))
      .one(),
  ),

  /** Board and table rows: no descriptions, no comments (they live in ticketDetail). */
  boardTickets: defineQuery(z.object({ orgID: id, projectID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.ticket, ctx, args.orgID).where('projectId', args.projectID).related('labels'),
  ),

  ticketDetail: defineQuery(z.object({ orgID: id, projectID: id, number: z.number().int() }), ({ args, ctx }) =>
    scopeToOrg(zql.ticket, ctx, args.orgID)
      .where('projectId', args.projectID)
      .where('number', args.number)
      .related('description')
      .related('labels')
      .related('parent')
      .related('children', (c) => c.orderBy('number', 'asc'))
      .related('blocks', (b) => b.related('blocked'))
      .related('blockedBy', (b) => b.related('blocker'))
      .related('comments', (c) => c.orderBy('createdAt', 'asc'))
      .one(),
  ),

  members: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.member, ctx, args.orgID).related('user')),

  handles: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.handle, ctx, args.orgID).orderBy('handle', 'asc')),

  labels: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.label, ctx, args.orgID).orderBy('name', 'asc')),

  invitations: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.invitation, ctx, orgIfPermitted(ctx, args.orgID, 'members:invite'))
      .where('status', 'pending')
      .orderBy('createdAt', 'desc'),
  ),
});
