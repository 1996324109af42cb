// One job's run, top to bottom: Preparing (clone, the repositories' setup layer) → the pipeline's stages (Executing,
// Running, Waiting for Input) → Syncing (commit, push, pull request) → Completed. Stop
// unwinds to here: Stopped, then Continue resumes the current stage's session. Work that
// failed ends in Failed, a fault of Docker, git hosting or the model API in Error. It
// returns how the job ended; the job's lifecycle (job-lifecycle.ts) reports that last,
// after the events, and decides the outcome when the run was interrupted.
import { canTransition } from '@spedy/protocol/job-status';
import { CancelReason } from '../container/cancel-reason.ts';
import { removeOrphans } from '../container/remove.ts';
import { openJobSockets } from '../egress/job-sockets.ts';
import { anthropicApiUrl, modelPassThrough } from '../egress/model-socket.ts';
import { ContainerLabel } from '../container/stage-container.ts';
import { deliverPullRequests, type DeliveredPullRequest } from './delivery.ts';
import { landOnEpicBranch, runEpicBranchJob, runsNoAgent } from './epic-delivery.ts';
import type { EpicBranchHead } from '@spedy/protocol/job-events';
import { deleteCheckpointRefs } from './checkpoint.ts';
import { toError } from '@spedy/protocol/errors';
import { failureOutcome, InfrastructureFailure, JobStopped } from './failures.ts';
import type { JobContext, JobEnd } from './job-context.ts';
import { jobEvent } from './job-events.ts';
import { JobRun, type RunJobDeps } from './job-run.ts';
import { runPipeline } from './pipeline.ts';
import { agentApiKey } from './model-access.ts';
import { claudeLoginRefreshHost } from './claude-login.ts';
import { prepareWorkspace } from './workspace.ts';
import { prepareSetupLayer } from './setup-layer.ts';
import { progressIntervalMs } from './progress.ts';
import { BudgetReached, recordedUsage, waitForRaise } from './budget.ts';

const silentLog = { info() {}, warn() {}, error() {}, debug() {} };

export type { RunJobDeps } from './job-run.ts';

/** The job's `result` on Completed. */
export interface JobResult extends Record<string, unknown> {
  pullRequests: DeliveredPullRequest[];
  /** A job of an epic run: where its branch stands after the job (epic-delivery.ts). */
  epicBranch?: EpicBranchHead[];
}

/** Runs the job's work; undefined when the supervisor's shutdown or the platform interrupted it. */
export async function runJob(ctx: JobContext, deps: RunJobDeps): Promise<JobEnd | undefined> {
  const run = new JobRun(ctx, deps);
  const progress = setInterval(() => {
    if (run.activeStages === 0 || run.status.current === 'waiting_for_input' || run.status.current === 'stopped') return;
    const summary = run.progress.summaryEvent();
    if (summary) run.emit(summary);
  }, deps.progressIntervalMs ?? progressIntervalMs);
  try {
    run.limits.startJob();
    // An epic run's reset or closing job: no agent, so no model access, sockets or stages.
    if (runsNoAgent(ctx.job.snapshot)) return await runEpicBranchJob(run);
    agentApiKey(run);
    // Local mode: the login is hidden from the start, and a missing one fails before the clone.
    await run.login?.give().catch((error: unknown) => {
      throw new InfrastructureFailure(toError(error).message);
    });
    run.sockets = await openJobSockets({
      settings: deps.containment,
      jobId: ctx.job.id,
      // Local mode: the CLI may refresh the login at its token host (never the model API: that is the proxy's).
      allowedHosts: run.login ? [...ctx.job.snapshot.allowedHosts, claudeLoginRefreshHost] : ctx.job.snapshot.allowedHosts,
      model: deps.modelProxy?.handler ?? modelPassThrough(deps.modelBaseUrl ?? anthropicApiUrl),
      tools: deps.boardToolsListener,
      log: deps.log ?? silentLog,
    }).catch((error: unknown) => {
      throw new InfrastructureFailure(`The supervisor could not open the job's sockets in ${deps.containment.socketsDir}: ${toError(error).message}`);
    });
    // What the job used before a restart of this supervisor still counts.
    run.budget.seed(await recordedUsage(ctx.jobDir));
    /** A budget cap that stopped the stages: the job waits for a person before going on. */
    let cap: BudgetReached | null = null;
    for (;;) {
      try {
        if (cap) {
          const reached = cap;
          cap = null;
          await waitForRaise(run, reached);
        }
        await run.status.report(run.status.current === 'stopped' || run.status.current === 'executing' ? 'executing' : 'preparing');
        await prepareWorkspace(run);
        await prepareSetupLayer(run);
        await runPipeline(run);
        break;
      } catch (error) {
        if (!(error instanceof JobStopped)) throw error;
        if (error.reason instanceof BudgetReached) {
          cap = error.reason;
          continue;
        }
        // The supervisor is shutting down, or the platform took the job back: the lifecycle decides the outcome.
        if (error.reason !== CancelReason.StoppedByUser) return undefined;
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
      // An epic run's sub-run lands its commit on the run's branch instead of opening a pull request.
      if (ctx.job.snapshot.epic) result.epicBranch = await landOnEpicBranch(run);
      else result.pullRequests = await deliverPullRequests(run);
      await deleteCheckpointRefs(run, ctx.job.checkpoint);
      if (!ctx.job.snapshot.epic && result.pullRequests.length === 0) run.emit(jobEvent.notice('The pipeline changed no files, so there is no pull request.'));
    }
    // A status report that failed in the background ends the run here, like any failure.
    await run.status.settled();
    return { status: 'completed', result };
  } catch (error) {
    // Cancelled (also while it was Stopped, waiting for Continue): the lifecycle reports Failed with the person's reason.
    if (error instanceof JobStopped && error.reason === CancelReason.CancelledByUser) return undefined;
    const outcome = failureOutcome(error);
    run.emit(jobEvent.error(null, outcome.reason));
    return outcome;
  } finally {
    run.controls.close();
    run.limits.close();
    clearInterval(progress);
    // Every container of the job, whatever ended the run (the workspace and HOME stay), before the outcome is reported.
    await removeOrphans(deps.docker, `${ContainerLabel.job}=${ctx.job.id}`).catch(() => undefined);
    await run.sockets?.close().catch(() => undefined);
  }
}
