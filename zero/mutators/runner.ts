// Non-secret changes of the runner platform. Anything that carries or creates a secret
// (tokens, vault values, integration tokens) goes through /api/orgs/[orgId]/** instead:
// mutator arguments are kept in the browser's local store.
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { assertPermission, type Permission } from '../../lib/auth/permissions.ts';
import { activeJobStatuses, canTransition, jobStatusLabels } from '@spedy/protocol/job-status';
import { defaultRunnerSettings, runnerSettingsInput } from '../../lib/settings/runner-settings.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn, type ZeroContext } from '../../lib/auth/context.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';
import { budgetOverrideRefusal, budgetOverrideSummary, ceilingProblem, jobBudgetOverride } from '../../lib/jobs/budget-rules.ts';
import { retryRefusal } from '../../lib/jobs/retry-rules.ts';
import { respondActionKind } from '../../lib/jobs/job-actions.ts';
import { recordJobAction, steerableJob } from './steering.ts';

/** A row of the caller's organization that they may change; "not found" for anyone else's. */
function owned<T extends { organizationId: string }>(row: T | undefined, ctx: ZeroContext | undefined, what: string, permission: Permission): T {
  if (!row || !roleIn(ctx, row.organizationId)) throw new SpedyError('notFound', `${what} not found.`);
  assertPermission(ctx, row.organizationId, permission);
  return row;
}

async function activeJobsOf(tx: Transaction, runnerID: string) {
  return tx.run(zql.job.where('runnerId', runnerID).where('status', 'IN', [...activeJobStatuses]));
}

export const runnerMutators = {
  /** Removes a runner from the list; a supervisor still holding a valid token registers again. */
  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const runner = owned(await tx.run(zql.runner.where('id', args.id).one()), ctx, 'Runner', 'runners:manage');
    const busy = await activeJobsOf(tx, runner.id);
    if (busy.length) {
      throw new SpedyError('conflict', `${runner.name} is running ${busy.length} job${busy.length === 1 ? '' : 's'}; stop ${busy.length === 1 ? 'it' : 'them'} first.`);
    }
    await tx.mutate.runner.delete({ id: runner.id });
  }),
};

export const revokeRunnerTokenArgs = z.object({ id: idArg });
export const stopJobArgs = z.object({ id: idArg });
export const cancelJobArgs = z.object({ id: idArg });
export const stoppedByUserReason = 'Stopped by a user.';
/** A person's answer to the agent's question, an approval of the plan or changes to it, or Continue after Stop. */
export const respondJobArgs = z.object({
  id: idArg,
  action: z.enum(['input', 'approve', 'revise', 'continue']),
  text: z.string().max(4000, 'Answers are at most 4,000 characters.').optional(),
});

/** A follow-up of a Failed or Error job: the whole pipeline again, or from its checkpoint ("Retry from <stage>"). */
export const retryJobArgs = z.object({ id: idArg, newID: idArg, fromCheckpoint: z.boolean().default(false) });

/** A job's own budget (lib/jobs/budget-rules.ts): while Ready, or a raise at its cap (which continues it). */
export const setJobBudgetArgs = z.object({ id: idArg, budget: jobBudgetOverride });

export const runnerTokenMutators = {
  /** Refused on the runner's very next request (the runner API checks revokedAt every time). */
  revoke: defineMutator(revokeRunnerTokenArgs, async ({ tx, args, ctx }) => {
    const token = owned(await tx.run(zql.runnerToken.where('id', args.id).one()), ctx, 'Runner token', 'runners:manage');
    if (token.revokedAt == null) await tx.mutate.runnerToken.update({ id: token.id, revokedAt: Date.now() });
  }),
};

export const vaultEntryMutators = {
  /** The sealed value goes with it (secure.vault_value cascades); runners lose it on their next bootstrap. */
  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const entry = owned(await tx.run(zql.vaultEntry.where('id', args.id).one()), ctx, 'Secret', 'runners:manage-secrets');
    await tx.mutate.vaultEntry.delete({ id: entry.id });
  }),
};

export const gitIntegrationMutators = {
  /** Inactive integrations stay stored but are left out of the runner bootstrap. */
  setActive: defineMutator(z.object({ id: idArg, active: z.boolean() }), async ({ tx, args, ctx }) => {
    const integration = owned(await tx.run(zql.gitIntegration.where('id', args.id).one()), ctx, 'Integration', 'integrations:manage');
    await tx.mutate.gitIntegration.update({ id: integration.id, active: args.active });
  }),

  /** Deletes the integration and its sealed token (secure.git_integration_secret cascades). */
  disconnect: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const integration = owned(await tx.run(zql.gitIntegration.where('id', args.id).one()), ctx, 'Integration', 'integrations:manage');
    await tx.mutate.gitIntegration.delete({ id: integration.id });
  }),
};

export const runnerSettingsMutators = {
  /** Upsert: an organization without a row has the defaults, so any subset may be sent. */
  update: defineMutator(runnerSettingsInput.partial().extend({ orgID: idArg }), async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'runners:manage');
    const { orgID, ...changes } = args;
    const current = (await tx.run(zql.runnerSettings.where('organizationId', orgID).one())) ?? defaultRunnerSettings;
    await tx.mutate.runnerSettings.upsert({
      organizationId: orgID,
      offlineTimeoutSeconds: changes.offlineTimeoutSeconds ?? current.offlineTimeoutSeconds,
      autoCreateJobs: changes.autoCreateJobs ?? current.autoCreateJobs,
      retriggerOnReview: changes.retriggerOnReview ?? current.retriggerOnReview,
    });
  }),
};

/** Steering a job (`jobs:steer`, ./steering.ts); each action is recorded with who did it. */
export const jobMutators = {
  /** An answer, a plan approved or sent back with changes, or Continue; the server resumes the job (runner-server.ts). */
  respond: defineMutator(respondJobArgs, async ({ tx, args, ctx }) => {
    const job = await steerableJob(tx, ctx, args.id);
    // Continue also answers a job paused for "No progress" (the agent tries again).
    const waitsFor = args.action === 'continue' ? ['stopped', 'waiting_for_input'] : ['waiting_for_input'];
    if (!waitsFor.includes(job.status)) {
      throw new SpedyError('invalid', args.action === 'continue' ? 'Only a stopped or waiting job can be continued.' : 'The job is not waiting for input.');
    }
    if (args.action === 'input' && !args.text?.trim()) throw new SpedyError('invalid', 'Write an answer first.');
    if (args.action === 'revise' && !args.text?.trim()) throw new SpedyError('invalid', 'Say what should change in the plan first.');
    await recordJobAction(tx, ctx, job, respondActionKind[args.action], args.text);
  }),

  /** Overrides the job's budget up to its team's cost ceiling; the server writes it where the runner reads it (runner-server.ts). */
  setBudget: defineMutator(setJobBudgetArgs, async ({ tx, args, ctx }) => {
    const job = await steerableJob(tx, ctx, args.id);
    const refusal = budgetOverrideRefusal(job);
    if (refusal) throw new SpedyError('invalid', refusal);
    const team = job.teamId ? await tx.run(zql.runnerTeam.where('id', job.teamId).one()) : undefined;
    const problem = ceilingProblem(args.budget, team?.budget.maxCostCeilingUsd);
    if (problem) throw new SpedyError('invalid', problem);
    await recordJobAction(tx, ctx, job, 'set_budget', budgetOverrideSummary(args.budget));
  }),

  /**
   * Stops a job by hand (a Ready job is simply not offered any more); the server mutator
   * also tells the runner working on it (runner-server.ts).
   */
  stop: defineMutator(stopJobArgs, async ({ tx, args, ctx }) => {
    const job = await steerableJob(tx, ctx, args.id);
    const status = job.status;
    if (!canTransition(status, 'stopped')) {
      throw new SpedyError('invalid', `A job that is ${jobStatusLabels[status] ?? status} cannot be stopped.`);
    }
    // The browser shows it at once; the server writes it through the status machine (runner-server.ts).
    if (tx.location === 'client') await tx.mutate.job.update({ id: job.id, status: 'stopped', statusReason: stoppedByUserReason, updatedAt: Date.now() });
    await recordJobAction(tx, ctx, job, 'stopped');
  }),

  /** Checked here and in the browser; the server creates the job (runner-server.ts), since its snapshot is not replicated. */
  retry: defineMutator(retryJobArgs, async ({ tx, args, ctx }) => {
    const job = owned(await tx.run(zql.job.where('id', args.id).one()), ctx, 'Job', 'runners:manage');
    const refusal = retryRefusal(job, null, args.fromCheckpoint);
    if (refusal) throw new SpedyError('invalid', refusal);
  }),

  /**
   * Ends any job that is not over: it fails at once when no runner holds it, otherwise its
   * runner stops the agent and reports Failed "Cancelled by …" (runner-server.ts).
   */
  cancel: defineMutator(cancelJobArgs, async ({ tx, args, ctx }) => {
    const job = await steerableJob(tx, ctx, args.id);
    if (!activeJobStatuses.includes(job.status)) {
      throw new SpedyError('invalid', `The job is already ${jobStatusLabels[job.status] ?? job.status}; there is nothing to cancel.`);
    }
    await recordJobAction(tx, ctx, job, 'cancelled');
  }),
};
