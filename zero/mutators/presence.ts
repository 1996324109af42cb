// A job page's presence heartbeat (lib/jobs/presence.ts). Watching is reading: any member of
// the job's organization may be present; no steering permission is needed.
import { defineMutator } from '@rocicorp/zero';
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn } from '../../lib/auth/context.ts';
import { isStaleViewer } from '../../lib/jobs/presence.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';

const viewerArgs = z.object({ jobID: idArg });

export const jobViewerMutators = {
  /** "I have this job's page open", as of now (the server's clock); also clears viewers long gone. */
  heartbeat: defineMutator(viewerArgs, async ({ tx, args, ctx }) => {
    const job = await tx.run(zql.job.where('id', args.jobID).one());
    // The page may beat before the job has synced to it: the server decides.
    if (!job && tx.location === 'client') return;
    if (!job || !ctx || !roleIn(ctx, job.organizationId)) throw new SpedyError('notFound', 'Job not found.');
    const now = Date.now();
    await tx.mutate.jobViewer.upsert({ jobId: job.id, userId: ctx.userID, organizationId: job.organizationId, seenAt: now });
    if (tx.location !== 'server') return;
    const viewers = await tx.run(zql.jobViewer.where('jobId', job.id));
    for (const viewer of viewers) if (isStaleViewer(viewer.seenAt, now)) await tx.mutate.jobViewer.delete({ jobId: viewer.jobId, userId: viewer.userId });
  }),

  /** The page was closed or left. */
  leave: defineMutator(viewerArgs, async ({ tx, args, ctx }) => {
    if (!ctx) return;
    const mine = await tx.run(zql.jobViewer.where('jobId', args.jobID).where('userId', ctx.userID).one());
    if (mine) await tx.mutate.jobViewer.delete({ jobId: mine.jobId, userId: mine.userId });
  }),
};
