// Checkpoints that outlive the runner (protocol/src/checkpoint.ts). After each finished step
// the work of every repository is committed (without moving the job's branch) and pushed to
// the hidden ref refs/spedy/checkpoints/<jobId>, scanned for the job's secrets first like a
// delivery; then the platform records which stages finished, their outputs (masked) and
// sessions. A job claimed with a checkpoint resumes after its last finished step, on this
// runner or any other; delivery's pull request is still one commit on the base.
// A checkpoint that cannot be saved costs only the ability to resume: the job goes on.
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkpointRef, finishedStepCount, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import { gitCredentialsFor } from '@spedy/protocol/git-providers/access';
import { toError } from '@spedy/protocol/errors';
import { commitWorkingTree } from '../git/commit.ts';
import type { RepositoryCheckout } from '../git/checkout.ts';
import { deleteCheckpointRef, pushCheckpoint, resetGitConfig, scanJobBranch, type SecretFinding } from '../git/push.ts';
import { secretsFoundReason } from './delivery.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun, StepState } from './job-run.ts';

/** The most of a stage's output a checkpoint keeps (the platform refuses more). */
const maxOutputLength = 200_000;

/** Which checkpoint this runner's job folder is at (saved or resumed from here): its workspace holds at least that work. */
function localRecord(run: JobRun): string {
  return path.join(run.layout.jobDir, 'checkpoint.json');
}

/** This runner's workspace holds the checkpoint's work (it saved it, or cloned from it). */
export async function recordLocally(run: JobRun, checkpoint: JobCheckpoint): Promise<void> {
  await fs.writeFile(localRecord(run), JSON.stringify({ savedAt: checkpoint.savedAt }));
}

async function localSavedAt(run: JobRun): Promise<number | null> {
  try {
    const { savedAt } = JSON.parse(await fs.readFile(localRecord(run), 'utf8')) as { savedAt?: unknown };
    return typeof savedAt === 'number' ? savedAt : null;
  } catch {
    return null;
  }
}

function stageNames(step: StepState): string {
  return step.stages.map((state) => `"${state.stage.name}"`).join(' and ');
}

/** The credentials (fresh) and signal host git uses for a repository of the job. */
async function gitAccess(run: JobRun, checkout: RepositoryCheckout) {
  return {
    credentials: gitCredentialsFor(await run.providerAccess(checkout.repository)),
    home: run.layout.home,
    signal: AbortSignal.any([run.controls.stopSignal, run.limits.signal]),
  };
}

/**
 * Before the first clone of a run whose claim carries a checkpoint: the steps it holds are
 * done (with their outputs, for later stages' prompts and the pull request). When this
 * runner's folder is not at that checkpoint (another runner saved it, or there is no folder
 * here), the workspace is cloned anew from the checkpoint's commits (git/checkout.ts), and the
 * earlier stages' sessions are not restored: they live in the HOME of the runner that ran
 * them. An approved stage then starts a fresh session whose prompt carries the plan (the
 * earlier stage's output, stage-run.ts) instead of continuing the planner's (pipeline.ts).
 */
export async function resumeFromCheckpoint(run: JobRun): Promise<JobCheckpoint | null> {
  const checkpoint = run.resumeFrom;
  if (!checkpoint) return null;
  run.resumeFrom = null;
  const here = (await localSavedAt(run)) === checkpoint.savedAt;
  if (!here) {
    await fs.rm(run.layout.workspace, { recursive: true, force: true });
    await fs.rm(path.join(run.layout.jobDir, 'worktrees'), { recursive: true, force: true });
  }
  const finished = finishedStepCount(run.job.snapshot.pipeline, checkpoint);
  const saved = new Map(checkpoint.stages.map((stage) => [stage.key, stage]));
  for (const step of run.steps.slice(0, finished)) {
    for (const state of step.stages) {
      const stage = saved.get(state.key);
      state.done = true;
      state.output = stage?.output;
      if (here) state.sessionId = stage?.sessionId;
      // The job page shows it done (its stages panel reads stage events).
      run.emit(jobEvent.stage(state.stage.id, state.stage.name, 'completed', { sessionId: state.sessionId ?? null }));
    }
    step.done = true;
  }
  run.emit(jobEvent.notice(`Resumed from the checkpoint after ${stageNames(run.steps[finished - 1]!)}.`));
  return checkpoint;
}

/** The checkpoint's commit of a repository, for a clone that starts from it. */
export function checkpointOf(run: JobRun, fullName: string): { ref: string; commit: string } | undefined {
  return run.checkpoint?.repositories.find((repository) => repository.fullName === fullName);
}

/** After a finished step: commit, scan and push each repository's work, then record the checkpoint on the platform. */
export async function saveCheckpoint(run: JobRun, step: StepState): Promise<void> {
  // A Board Interaction job delivers nothing, so nothing would ever remove its refs.
  if (run.job.type === 'board_interaction') return;
  const after = stageNames(step);
  try {
    const home = run.layout.home;
    const ref = checkpointRef(run.job.id);
    const message = run.mask(`Spedy checkpoint: after ${step.stages.map((state) => state.stage.name).join(', ')}`);
    const commits = new Map<RepositoryCheckout, string>();
    const findings = new Map<RepositoryCheckout, SecretFinding[]>();
    for (const checkout of run.checkouts) {
      // Host git with credentials comes next: the clone's config as a fresh clone has it first (the agent could write it).
      await resetGitConfig(checkout);
      const commit = await commitWorkingTree(checkout.dir, message, home);
      commits.set(checkout, commit);
      const found = await scanJobBranch(checkout, { home, find: (text) => run.secrets.find(text), head: commit });
      if (found.length > 0) findings.set(checkout, found);
    }
    if (findings.size > 0) {
      run.emit(jobEvent.notice(`The checkpoint after ${after} was not saved. ${secretsFoundReason(findings, run.checkouts.length > 1)}`));
      return;
    }
    for (const [checkout, commit] of commits) await pushCheckpoint(checkout, { commit, ref }, await gitAccess(run, checkout));
    const checkpoint: JobCheckpoint = {
      stages: run.finishedStages().map((state) => ({
        key: state.key,
        stageId: state.stage.id,
        ...(state.output === undefined ? {} : { output: run.mask(state.output).slice(0, maxOutputLength) }),
        ...(state.sessionId === undefined ? {} : { sessionId: state.sessionId }),
      })),
      repositories: [...commits].map(([checkout, commit]) => ({ fullName: checkout.repository.fullName, ref, commit })),
      savedAt: Date.now(),
    };
    await run.ctx.saveCheckpoint(checkpoint);
    run.checkpoint = checkpoint;
    await recordLocally(run, checkpoint);
    run.emit(jobEvent.notice(`Checkpoint saved after ${after}.`));
  } catch (error) {
    run.emit(jobEvent.notice(`The checkpoint after ${after} was not saved (${toError(error).message}); the job goes on, but could not resume from this step.`));
  }
}

/** After delivery: the job's checkpoint refs (its own, and those of the job it resumed) are removed, best effort. */
export async function deleteCheckpointRefs(run: JobRun, resumedFrom: JobCheckpoint | null | undefined): Promise<void> {
  for (const checkout of run.checkouts) {
    const refs = new Set([checkpointRef(run.job.id), ...(resumedFrom?.repositories.filter((r) => r.fullName === checkout.repository.fullName).map((r) => r.ref) ?? [])]);
    for (const ref of refs) await deleteCheckpointRef(checkout, ref, await gitAccess(run, checkout));
  }
}
