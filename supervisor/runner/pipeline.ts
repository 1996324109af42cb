// The pipeline: steps in order; the stages of a step at once. A stage that requires
// approval waits before it runs, showing the plan the step before produced. Parallel
// stages each work in their own git worktrees, merged into the job's branch when the step
// ends; a conflict fails the step and names the files.
import path from 'node:path';
import { CancelReason } from '../container/cancel-reason.ts';
import { commitAll } from '../git/commit.ts';
import { resetGitConfig } from '../git/push.ts';
import { addStageWorktree, MergeConflictError, mergeStageWorktrees } from '../git/worktrees.ts';
import { JobStopped, WorkFailure } from './failures.ts';
import { jobEvent } from './job-events.ts';
import { ensureRunnerFolder } from './job-layout.ts';
import type { JobRun, StageState, StepState } from './job-run.ts';
import { mainPlace, type StagePlace } from './stage-containers.ts';
import { runStage } from './stage-run.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { planRevisionPrompt } from '../agent/stage-prompt.ts';

export async function runPipeline(run: JobRun): Promise<void> {
  for (const step of run.steps) {
    if (step.done) continue;
    run.controls.throwIfStopped();
    for (const state of step.stages) await awaitApproval(run, state);
    if (step.stages.length === 1) await runStage(run, step.stages[0]!, { place: mainPlace(run), parallelWith: [] });
    else await runParallelStep(run, step);
    step.done = true;
    await saveCheckpoint(run, step);
  }
}

/**
 * Before a stage that requires approval: Waiting for Input with the plan, until someone
 * approves. A person may instead send the plan back with a requested change: the stages
 * that wrote it resume their sessions with it and write the plan again, which waits anew.
 */
async function awaitApproval(run: JobRun, state: StageState): Promise<void> {
  if (!state.stage.requireApproval || state.approval || state.done) return;
  const planners = run.steps[state.stepIndex - 1]?.stages ?? [];
  // A revision cut short by Stop goes on after Continue before the plan is shown again.
  for (const planner of planners) if (!planner.done) await runStage(run, planner, { place: mainPlace(run), parallelWith: [] });
  for (;;) {
    const plan =
      planners.length === 0
        ? 'No earlier stage produced a plan.'
        : planners.length === 1
          ? (planners[0]!.output ?? '')
          : planners.map((earlier) => `## ${earlier.stage.name}\n\n${earlier.output ?? ''}`).join('\n\n');
    await run.status.report('executing');
    const decision = run.controls.expect(['approve', 'revise']);
    decision.catch(() => undefined);
    run.emit(jobEvent.plan(state.stage.id, plan, planners.map((earlier) => earlier.stage.id)));
    const message = await run.status.whileWaitingForInput(() => decision);
    if (message.action === 'revise') {
      if (planners.length > 0) await revisePlan(run, planners, message.text ?? '');
      else run.emit(jobEvent.notice('No earlier stage wrote this plan, so there is nothing to revise; approve it or end the job.', state.stage.id));
      continue;
    }
    state.approval = message.action === 'approve' && message.text ? { note: message.text } : {};
    break;
  }
  // The approved stage carries on in the session that wrote the plan, when one stage wrote it
  // and this stage runs alone (a parallel stage works in a worktree of its own), and that
  // session is on this runner: resumed from another runner's checkpoint, the planner's
  // sessionId is not restored (checkpoint.ts) and the stage starts afresh with the plan in its prompt.
  const alone = run.steps[state.stepIndex]!.stages.length === 1;
  if (alone && planners.length === 1 && planners[0]!.sessionId) state.continues = planners[0]!.sessionId;
  run.emit(jobEvent.notice(`The plan was approved; "${state.stage.name}" starts.`, state.stage.id));
}

/** The planners resume their sessions with the person's requested change, one after the other, and write the plan again. */
async function revisePlan(run: JobRun, planners: StageState[], change: string): Promise<void> {
  run.emit(jobEvent.notice('Changes to the plan were requested; the planner writes it again.'));
  for (const planner of planners) {
    planner.done = false;
    planner.output = undefined;
    planner.next = planner.sessionId ? { prompt: planRevisionPrompt(change), resumeSession: planner.sessionId } : undefined;
    await runStage(run, planner, { place: mainPlace(run), parallelWith: [] });
  }
}

async function runParallelStep(run: JobRun, step: StepState): Promise<void> {
  const home = run.layout.home;
  // Host git works in clones the agents could write: their config as a fresh clone has it first.
  for (const checkout of run.checkouts) await resetGitConfig(checkout);
  // The worktrees start from the job branch with everything earlier steps did.
  for (const checkout of run.checkouts) await commitAll(checkout.dir, `Spedy: before step ${step.index + 1}`, home);
  const places = new Map<StageState, StagePlace>();
  const worktrees = new Map<StageState, { repoDir: string; dir: string; branch: string }[]>();
  for (const state of step.stages) {
    const root = run.layout.worktrees(state.key);
    await ensureRunnerFolder(root);
    const trees = run.checkouts.map((checkout, index) => ({
      repoDir: checkout.dir,
      dir: path.join(root, run.repositoryFolders[index]!),
      branch: `${run.branch}--${state.key}`,
    }));
    for (const tree of trees) await addStageWorktree(tree, home);
    worktrees.set(state, trees);
    places.set(state, { workspace: root, gitDirs: run.checkouts.map((checkout) => path.join(checkout.dir, '.git')) });
  }

  // One stage failing stops the others: the step has failed.
  const failed = new AbortController();
  const results = await Promise.allSettled(
    step.stages.map((state) =>
      runStage(run, state, {
        place: places.get(state)!,
        parallelWith: step.stages.filter((other) => other !== state).map((other) => other.stage.name),
        cancel: failed.signal,
      }).catch((error: unknown) => {
        if (!(error instanceof JobStopped)) failed.abort(CancelReason.SupervisorShutdown);
        throw error;
      }),
    ),
  );
  // A stage's own failure is the step's; the others were only stopped because of it.
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  const failure = errors.find((error) => !(error instanceof JobStopped)) ?? errors[0];
  if (failure !== undefined) throw failure;

  for (const [index, checkout] of run.checkouts.entries()) {
    await resetGitConfig(checkout);
    try {
      await mergeStageWorktrees(
        checkout.repository.fullName,
        step.stages.map((state) => ({ ...worktrees.get(state)![index]!, stage: state.stage.name })),
        home,
      );
    } catch (error) {
      if (!(error instanceof MergeConflictError)) throw error;
      const others = step.stages.map((state) => `"${state.stage.name}"`).join(' and ');
      throw new WorkFailure(
        `The parallel stages ${others} changed the same lines in ${checkout.repository.fullName}: ${error.files.join(', ')}. ` +
          'Give them separate files to work on, or run them one after the other.',
      );
    }
  }
  run.emit(jobEvent.notice(`Merged the work of ${step.stages.map((state) => `"${state.stage.name}"`).join(' and ')}.`));
}
