import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';

const id = z.string().min(1).max(100);
const orgArgs = z.object({ orgID: id });

/** Runner teams, skills, MCP servers and Build & Validate settings (metadata only; credentials stay sealed). */
export const teamQueries = {
  list: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.runnerTeam, ctx, args.orgID).orderBy('name', 'asc')),
  byId: defineQuery(z.object({ orgID: id, id }), ({ args, ctx }) => scopeToOrg(zql.runnerTeam, ctx, args.orgID).where('id', args.id).one()),
  skills: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.skill, ctx, args.orgID).orderBy('slug', 'asc')),
  mcpServers: defineQuery(orgArgs, ({ args, ctx }) => scopeToOrg(zql.mcpServer, ctx, args.orgID).orderBy('name', 'asc')),
  projectRepositories: defineQuery(z.object({ orgID: id, projectID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.projectRepository, ctx, args.orgID).where('projectId', args.projectID).orderBy('fullName', 'asc'),
  ),
  projectRunnerConfig: defineQuery(z.object({ orgID: id, projectID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.projectRunnerConfig, ctx, args.orgID).where('projectId', args.projectID).one(),
  ),
  ticketJobs: defineQuery(z.object({ orgID: id, ticketID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.job, ctx, args.orgID).where('ticketId', args.ticketID).related('usage').orderBy('createdAt', 'desc'),
  ),
};
