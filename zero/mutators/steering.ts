// Steering a job is a team permission (`jobs:steer`, lib/auth/permissions.ts), which an
// organization may withdraw from its Members; every steering action is recorded with who
// did it (job_action, lib/jobs/job-actions.ts). Shared by the browser and the server: the
// server reads the organization's settings and the job from PostgreSQL and decides again.
import type { Transaction } from '@rocicorp/zero';
import { nanoid } from 'nanoid';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn, type ZeroContext } from '../../lib/auth/context.ts';
import { assertPermission, type RolePolicy } from '../../lib/auth/permissions.ts';
import type { JobActionKind } from '../../lib/jobs/job-actions.ts';
import { zql } from '../schema.gen.ts';

/** The organization's changes to the default roles; null when it has no settings row (the defaults). */
export async function rolePolicyOf(tx: Transaction, orgID: string): Promise<RolePolicy | null> {
  return (await tx.run(zql.organizationSettings.where('organizationId', orgID).one())) ?? null;
}

/** The job, when the caller may steer it; "Job not found." for anyone outside its organization. */
export async function steerableJob(tx: Transaction, ctx: ZeroContext | undefined, id: string) {
  const job = await tx.run(zql.job.where('id', id).one());
  if (!job || !roleIn(ctx, job.organizationId)) throw new SpedyError('notFound', 'Job not found.');
  assertPermission(ctx, job.organizationId, 'jobs:steer', await rolePolicyOf(tx, job.organizationId));
  return job;
}

/** Records `action` by the caller; the server's row (its clock) replaces the browser's optimistic one. */
export async function recordJobAction(
  tx: Transaction,
  ctx: ZeroContext | undefined,
  job: { id: string; organizationId: string },
  action: JobActionKind,
  text?: string,
): Promise<void> {
  await tx.mutate.jobAction.insert({
    id: nanoid(),
    organizationId: job.organizationId,
    jobId: job.id,
    actorId: ctx?.userID ?? null,
    action,
    text: text?.trim() || null,
    createdAt: Date.now(),
  });
}
