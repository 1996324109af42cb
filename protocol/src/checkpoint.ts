// A job's checkpoint: what survives the runner after each finished pipeline step, so the
// job can resume from there on any runner (after a hand-back, or as "Retry from <stage>").
// The work itself is a commit pushed to a hidden ref of each repository
// (`refs/spedy/checkpoints/<jobId>`): it goes where the pull request goes anyway, with the
// credentials the runner already has, and the platform stores no blobs (it stays stateless
// across instances). The platform keeps only this small record, in `job.checkpoint`.
import { z } from 'zod';
import type { PipelineSnapshot, StageSnapshot } from './wire.ts';

/** The hidden ref a job's checkpoint commit is pushed to, in every repository of the job. */
export function checkpointRef(jobId: string): string {
  return `refs/spedy/checkpoints/${jobId}`;
}

export const checkpointStage = z.object({
  /** The stage's key in the job (stageKeys below): which stage of which step finished. */
  key: z.string().min(1).max(200),
  stageId: z.string().min(1).max(200),
  /** The agent's final message (masked by the job's secret set): the plan a later stage reads. */
  output: z.string().max(200_000).optional(),
  /** The agent's session, on the runner that ran the stage (only that runner can resume it). */
  sessionId: z.string().min(1).max(200).optional(),
});

export const checkpointRepository = z.object({
  /** owner/name, as in the job's snapshot. */
  fullName: z.string().min(1).max(300),
  ref: z.string().regex(/^refs\/spedy\/checkpoints\/[A-Za-z0-9_-]{1,64}$/, 'must be refs/spedy/checkpoints/<job id>'),
  commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full commit id'),
});

export const jobCheckpoint = z.object({
  /** Every stage finished so far, in pipeline order. */
  stages: z.array(checkpointStage).min(1).max(200),
  repositories: z.array(checkpointRepository).max(50),
  savedAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type JobCheckpoint = z.infer<typeof jobCheckpoint>;

/** POST /api/v1/runners/jobs/:id/checkpoint */
export const checkpointRequest = z.object({ runnerId: z.string().min(1), checkpoint: jobCheckpoint });
export const checkpointResponse = z.object({ savedAt: z.number() });

/** A part of a stage key: safe as a folder name and in a git branch name. */
function keyPart(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'unnamed';
}

/**
 * Each stage's key, unique within the job (`<step number>-<stage id>`, `-2`… on a clash): its
 * folders and worktree branch on the runner, and how a checkpoint names it.
 */
export function stageKeys(pipeline: PipelineSnapshot): string[][] {
  const keys = new Set<string>();
  return pipeline.steps.map((step, stepIndex) =>
    step.stages.map((stage) => {
      const base = keyPart(`${stepIndex + 1}-${stage.id}`);
      let key = base;
      for (let n = 2; keys.has(key); n++) key = `${base}-${n}`;
      keys.add(key);
      return key;
    }),
  );
}

/**
 * How many steps, from the first, the checkpoint holds every stage of (matched by key and
 * stage id, so a checkpoint of another pipeline counts nothing). Steps run in order: a
 * checkpoint is always a prefix of the pipeline.
 */
export function finishedStepCount(pipeline: PipelineSnapshot, checkpoint: JobCheckpoint | null | undefined): number {
  if (!checkpoint) return 0;
  const finished = new Set(checkpoint.stages.map((stage) => `${stage.key}\u0000${stage.stageId}`));
  const keys = stageKeys(pipeline);
  let count = 0;
  for (const [index, step] of pipeline.steps.entries()) {
    if (!step.stages.every((stage, n) => finished.has(`${keys[index]![n]}\u0000${stage.id}`))) break;
    count++;
  }
  return count;
}

/** The stage a job with this checkpoint resumes at ("Retry from <its name>"); null when there is nothing to resume. */
export function resumeStage(pipeline: PipelineSnapshot, checkpoint: JobCheckpoint | null | undefined): StageSnapshot | null {
  const finished = finishedStepCount(pipeline, checkpoint);
  if (finished === 0 || finished >= pipeline.steps.length) return null;
  return pipeline.steps[finished]!.stages[0] ?? null;
}
