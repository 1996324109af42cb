import { defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { orgIfPermitted } from '../../lib/auth/permissions.ts';
import { activeJobStatuses, jobStatuses } from '@spedy/protocol/job-status';
import { liveWindow } from '../../lib/jobs/feed-window.ts';
import { scopeToOrg } from '../context.ts';
import { zql } from '../schema.gen.ts';

const id = z.string().min(1).max(100);
const orgArgs = z.object({ orgID: id });
const active = [...activeJobStatuses];
/** A job's usage events the live view sums (one per model per agent run). */
const jobUsageCap = 1000;
/** A job's recorded actions held live (people act a handful of times per job). */
const jobActionsCap = 1000;
/** Events that set a job's stages and what it waits on: a few per stage. */
const milestoneTypes = ['stage', 'plan', 'question', 'budget'];

/**
 * Settings → Runners and Settings → Integrations. Runners and jobs are visible to every
 * member (tickets show them); tokens, settings, secrets and integrations to those who
 * manage them — and of secrets and integrations only metadata exists here at all.
 */
export const runnerQueries = {
  /** Every runner with its active jobs (for "N running"). */
  list: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.runner, ctx, args.orgID)
      .related('jobs', (j) => j.where('status', 'IN', active))
      .orderBy('name', 'asc'),
  ),

  /**
   * Active Runners: each online runner with its active jobs, their tickets and live usage
   * figures. Readable by every member; nothing of tokens or settings is related here.
   */
  active: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.runner, ctx, args.orgID)
      .where('status', 'online')
      .related('jobs', (j) =>
        j
          .where('status', 'IN', active)
          .related('usage')
          .related('ticket', (t) => t.related('project'))
          .orderBy('createdAt', 'asc'),
      )
      .orderBy('name', 'asc'),
  ),

  tokens: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.runnerToken, ctx, orgIfPermitted(ctx, args.orgID, 'runners:manage')).orderBy('createdAt', 'desc'),
  ),

  settings: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.runnerSettings, ctx, orgIfPermitted(ctx, args.orgID, 'runners:manage')).one(),
  ),

  /** Names, masked previews and rotation times; the readiness checklist needs them too. */
  vaultEntries: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.vaultEntry, ctx, orgIfPermitted(ctx, args.orgID, 'runners:manage-secrets', 'runners:manage')).orderBy('name', 'asc'),
  ),

  gitIntegrations: defineQuery(orgArgs, ({ args, ctx }) =>
    scopeToOrg(zql.gitIntegration, ctx, orgIfPermitted(ctx, args.orgID, 'integrations:manage', 'runners:manage')).orderBy('provider', 'asc'),
  ),

  /** Newest first, optionally only some statuses. */
  jobs: defineQuery(
    z.object({ orgID: id, statuses: z.array(z.enum(jobStatuses)).max(jobStatuses.length).optional(), limit: z.number().int().min(1).max(500).default(200) }),
    ({ args, ctx }) => {
      const q = scopeToOrg(zql.job, ctx, args.orgID)
        .related('runner')
        .related('usage')
        .related('ticket', (t) => t.related('project'))
        .orderBy('createdAt', 'desc')
        .limit(args.limit);
      return args.statuses?.length ? q.where('status', 'IN', args.statuses) : q;
    },
  ),

  job: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.job, ctx, args.orgID)
      .where('id', args.jobID)
      .related('runner')
      .related('usage')
      .related('ticket', (t) => t.related('project'))
      .one(),
  ),

  /**
   * The live job view's feed: the job's newest `liveWindow` events (lib/jobs/feed-window.ts).
   * ZQL's limit takes from the front of the order, so the newest come first here and
   * lib/jobs/event-feed.ts puts them in ascending seq order. Older ones: jobEventsBefore.
   */
  jobFeed: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).orderBy('seq', 'desc').limit(liveWindow),
  ),

  /** A page of a job's events before `beforeSeq`, newest first: read as the person scrolls back. */
  jobEventsBefore: defineQuery(
    z.object({ orgID: id, jobID: id, beforeSeq: z.number().int().min(1), limit: z.number().int().min(1).max(500) }),
    ({ args, ctx }) =>
      scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).where('seq', '<', args.beforeSeq).orderBy('seq', 'desc').limit(args.limit),
  ),

  /** The events the stages and the waiting panel read, whatever the feed's window holds. */
  jobMilestones: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).where('type', 'IN', milestoneTypes).orderBy('seq', 'desc').limit(500),
  ),

  /** The job's newest progress summary. */
  jobProgress: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).where('type', 'progress').orderBy('seq', 'desc').limit(1),
  ),

  /** Every usage event of a job (one per model per agent run), so totals stay whole whatever the feed holds. */
  jobUsage: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).where('type', 'usage').orderBy('seq', 'asc').limit(jobUsageCap),
  ),

  /** What people did to the job (answered, approved, stopped…) with who did it, oldest first; merged into the feed by time. */
  jobActions: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobAction, ctx, args.orgID).where('jobId', args.jobID).related('actor').orderBy('createdAt', 'asc').limit(jobActionsCap),
  ),

  /** Who has the job's page open (lib/jobs/presence.ts decides who is still there). */
  jobViewers: defineQuery(z.object({ orgID: id, jobID: id }), ({ args, ctx }) =>
    scopeToOrg(zql.jobViewer, ctx, args.orgID).where('jobId', args.jobID).related('user'),
  ),

  /** The latest events of a job, newest first. */
  jobEvents: defineQuery(z.object({ orgID: id, jobID: id, limit: z.number().int().min(1).max(500).default(50) }), ({ args, ctx }) =>
    scopeToOrg(zql.jobEvent, ctx, args.orgID).where('jobId', args.jobID).orderBy('seq', 'desc').limit(args.limit),
  ),
};
