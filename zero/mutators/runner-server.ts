// Server halves of runner mutators: after the shared checks and writes, tell the runner
// platform in the same transaction (its NOTIFY goes out only if the transaction commits).
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { overrideJobBudget } from '../../lib/jobs/budget.ts';
import { cancelJob } from '../../lib/jobs/cancel.ts';
import type { DbOrTx } from '../../lib/jobs/db.ts';
import { resumeJob } from '../../lib/jobs/resume.ts';
import { retryJob } from '../../lib/jobs/retry.ts';
import { stopJob } from '../../lib/jobs/stop.ts';
import { revokeRunnerToken } from '../../lib/runners/tokens.ts';
import { zql } from '../schema.gen.ts';
import {
  cancelJobArgs,
  jobMutators,
  respondJobArgs,
  retryJobArgs,
  revokeRunnerTokenArgs,
  runnerTokenMutators,
  setJobBudgetArgs,
  stopJobArgs,
  stoppedByUserReason,
} from './runner.ts';

function drizzleOf(tx: Transaction): DbOrTx | null {
  return tx.location === 'server' ? (tx.dbTransaction.wrappedTransaction as DbOrTx) : null;
}

export const runnerServerMutators = {
  runnerToken: {
    /** The runner platform's revoke also closes every socket opened with the token. */
    revoke: defineMutator(revokeRunnerTokenArgs, async (options) => {
      await runnerTokenMutators.revoke.fn(options);
      const db = drizzleOf(options.tx);
      const token = db && (await options.tx.run(zql.runnerToken.where('id', options.args.id).one()));
      if (db && token) await revokeRunnerToken(db, { orgId: token.organizationId, tokenId: token.id });
    }),
  },
  job: {
    /**
     * The job becomes Ready for the runner holding it, which resumes the same agent session
     * with the answer or approval, or continues after Stop, once it has a free slot.
     */
    respond: defineMutator(respondJobArgs, async (options) => {
      await jobMutators.respond.fn(options);
      const db = drizzleOf(options.tx);
      const job = db && (await options.tx.run(zql.job.where('id', options.args.id).one()));
      if (db && job) await resumeJob(db, { organizationId: job.organizationId, jobId: job.id, action: options.args.action, text: options.args.text });
    }),
    /** Written into the job's snapshot (the runner's next claim brings it); a job waiting at its cap continues. */
    setBudget: defineMutator(setJobBudgetArgs, async (options) => {
      await jobMutators.setBudget.fn(options);
      const db = drizzleOf(options.tx);
      const job = db && (await options.tx.run(zql.job.where('id', options.args.id).one()));
      if (db && job) await overrideJobBudget(db, { organizationId: job.organizationId, jobId: job.id, budget: options.args.budget });
    }),
    /** A job a runner holds: the runner is told to stop (interrupt → grace period → kill). */
    stop: defineMutator(stopJobArgs, async (options) => {
      await jobMutators.stop.fn(options);
      const db = drizzleOf(options.tx);
      const job = db && (await options.tx.run(zql.job.where('id', options.args.id).one()));
      if (db && job) await stopJob(db, { organizationId: job.organizationId, jobId: job.id, reason: stoppedByUserReason });
    }),
    /** A follow-up job under the same root run, with the same snapshot (and, from a stage, the checkpoint). */
    retry: defineMutator(retryJobArgs, async (options) => {
      await jobMutators.retry.fn(options);
      const db = drizzleOf(options.tx);
      const job = db && (await options.tx.run(zql.job.where('id', options.args.id).one()));
      if (db && job) {
        const { args, ctx } = options;
        await retryJob(db, { organizationId: job.organizationId, jobId: job.id, newJobId: args.newID, fromCheckpoint: args.fromCheckpoint, userId: ctx.userID });
      }
    }),
    /** Fails a job no runner holds at once; tells the runner holding one to cancel it (interrupt → grace period → kill). */
    cancel: defineMutator(cancelJobArgs, async (options) => {
      await jobMutators.cancel.fn(options);
      const db = drizzleOf(options.tx);
      const job = db && (await options.tx.run(zql.job.where('id', options.args.id).one()));
      if (db && job) await cancelJob(db, { organizationId: job.organizationId, jobId: job.id, userId: options.ctx.userID });
    }),
  },
};
