// One job's run, top to bottom: Preparing (clone) → the pipeline's stages (Executing,
// Running, Waiting for Input) → Syncing (commit, push, pull request) → Completed. Stop
// unwinds to here: Stopped, then Continue resumes the current stage's session. Work that
// failed ends in Failed, a fault of Docker, git hosting or the model API in Error.
// The pool (supervisor/pool.ts) flushes the events and reports an outcome if this did not.
import { canTransition } from '@spedy/protocol/job-status';
import { CancelReason } from '../container/cancel-reason.ts';
import { removeOrphans } from '../container/remove.ts';
import { ContainerLabel } from '../container/stage-container.ts';
import { deliverPullRequests, type DeliveredPullRequest } from './delivery.ts';
import { failureOutcome, JobStopped } from './failures.ts';
import type { JobContext } from './job-context.ts';
import { jobEvent } from './job-events.ts';
import { JobRun, type RunJobDeps } from './job-run.ts';
import { runPipeline } from './pipeline.ts';
import { agentApiKey } from './stage-run.ts';
import { prepareWorkspace } from './workspace.ts';

export type { RunJobDeps } from './job-run.ts';

/** The job's `result` on Completed. */
export interface JobResult extends Record<string, unknown> {
  pullRequests: DeliveredPullRequest[];
}

export async function runJob(ctx: JobContext, deps: RunJobDeps): Promise<void> {
  const run = new JobRun(ctx, deps);
  try {
    agentApiKey(run);
    for (;;) {
      try {
        await run.status.report(run.status.current === 'stopped' ? 'executing' : 'preparing');
        await prepareWorkspace(run);
        await runPipeline(run);
        break;
      } catch (error) {
        if (!(error instanceof JobStopped)) throw error;
        // The supervisor is shutting down, or the platform took the job back: the pool decides its outcome.
        if (error.reason !== CancelReason.StoppedByUser) return;
        await run.status.report('stopped');
        run.emit(jobEvent.notice('Stopped. The workspace and the agent sessions are kept; Continue resumes the current stage.'));
        await run.controls.waitForContinue();
        run.emit(jobEvent.notice('Continued.'));
      }
    }

    const result: JobResult = { pullRequests: [] };
    if (ctx.job.type === 'board_interaction') {
      if (!canTransition(run.status.current, 'completed')) await run.status.report('syncing');
    } else {
      await run.status.report('syncing');
      result.pullRequests = await deliverPullRequests(run);
      if (result.pullRequests.length === 0) run.emit(jobEvent.notice('The pipeline changed no files, so there is no pull request.'));
    }
    await run.status.report('completed', { result });
  } catch (error) {
    const outcome = failureOutcome(error);
    run.emit(jobEvent.error(null, outcome.reason));
    await run.status.report(outcome.status, { reason: outcome.reason });
  } finally {
    run.controls.close();
    // Every container of the job, whatever ended the run (the workspace and HOME stay).
    await removeOrphans(deps.docker, `${ContainerLabel.job}=${ctx.job.id}`).catch(() => undefined);
  }
}
