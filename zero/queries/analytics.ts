import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { orgIfPermitted } from '../../lib/auth/permissions.ts';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';

const id = z.string().min(1).max(100);
const orgArgs = z.object({ orgID: id });
/** The first day of the window (yyyy-MM-dd in the organization's time zone, lib/analytics/days.ts). */
const windowArgs = z.object({ orgID: id, fromDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A day is written yyyy-MM-dd.') });

/**
 * The Analytics tab's roll-ups (lib/db/analytics-schema.ts): every member reads the
 * organization's days, models and stages; the cost summary per team, project and model is
 * the administrators' (`costs:view`), enforced here — a member's query matches no row.
 */
export const analyticsQueries = {
  settings: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.organizationSettings, ctx, args.orgID).one()),
  days: defineQuery(windowArgs, ({ args, ctx }) => scopeToOrg(zql.jobDaily, ctx, args.orgID).where('day', '>=', args.fromDay).orderBy('day', 'asc')),
  models: defineQuery(windowArgs, ({ args, ctx }) => scopeToOrg(zql.usageDaily, ctx, args.orgID).where('day', '>=', args.fromDay)),
  stages: defineQuery(windowArgs, ({ args, ctx }) => scopeToOrg(zql.stageDaily, ctx, args.orgID).where('day', '>=', args.fromDay)),
  costs: defineQuery(windowArgs, ({ args, ctx }) =>
    scopeToOrg(zql.costDaily, ctx, orgIfPermitted(ctx, args.orgID, 'costs:view')).where('day', '>=', args.fromDay),
  ),
};
