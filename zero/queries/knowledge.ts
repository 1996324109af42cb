import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';
import { entrySearchLimit } from '../../lib/knowledge/entry-figures.ts';

const id = z.string().min(1).max(100);
/** Settings → Knowledge holds this many entries live, newest first. */
const entriesCap = 1000;

/** What reviewers taught (Settings → Knowledge, the job page): readable by every member, like the agents that use it. */
export const knowledgeQueries = {
  /** Each entry with its evidence (recurrences, dismissals…) and uses (pre-loaded, recalled), for the counts. */
  entries: defineQuery(z.object({ orgID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.knowledgeEntry, ctx, args.orgID).related('evidence').related('uses').related('project').orderBy('createdAt', 'desc').limit(entriesCap),
  ),

  /** The entries a search found (their ids from /api/orgs/[orgId]/knowledge/search), live, with what `entries` has of each. */
  entriesByIds: defineQuery(z.object({ orgID: id, ids: z.array(id).max(entrySearchLimit) }), ({ args, ctx }) =>
    scopeToOrg(zql.knowledgeEntry, ctx, args.orgID).where('id', 'IN', args.ids).related('evidence').related('uses').related('project').limit(entrySearchLimit),
  ),

  /** The entries a job's stages were given before they started, and those its agents recalled. */
  jobUses: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.knowledgeUse, ctx, args.orgID).where('jobId', args.jobID).related('entry').orderBy('createdAt', 'asc').limit(500),
  ),
};
