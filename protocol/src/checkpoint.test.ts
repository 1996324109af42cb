import { describe, expect, it } from 'vitest';
import { checkpointRequest, finishedStepCount, jobCheckpoint, resumeStage, stageKeys, type JobCheckpoint } from './checkpoint.ts';
import type { PipelineSnapshot, StageSnapshot } from './wire.ts';

function stage(id: string): StageSnapshot {
  return {
    id,
    type: 'coding',
    name: `Stage ${id}`,
    systemPrompt: '',
    allowedTools: [],
    model: 'claude-sonnet-4-6',
    role: 'executor',
    requireApproval: false,
    validationCommands: [],
    maxRetries: 0,
    skills: [],
    mcpServers: [],
  };
}

// plan → (api ∥ web) → review
const pipeline: PipelineSnapshot = { steps: [{ stages: [stage('plan')] }, { stages: [stage('api'), stage('web')] }, { stages: [stage('review')] }] };

function checkpoint(stages: { key: string; stageId: string }[]): JobCheckpoint {
  return { stages, repositories: [], savedAt: 1 };
}

describe('stageKeys', () => {
  it('numbers stages by step and keeps each key unique and safe as a folder name', () => {
    expect(stageKeys(pipeline)).toEqual([['1-plan'], ['2-api', '2-web'], ['3-review']]);
    const clash: PipelineSnapshot = { steps: [{ stages: [stage('a/b'), stage('a b'), stage('../x')] }] };
    expect(stageKeys(clash)).toEqual([['1-a-b', '1-a-b-2', '1-..-x']]);
  });
});

describe('finishedStepCount and resumeStage', () => {
  it('counts the steps, from the first, whose every stage the checkpoint holds', () => {
    expect(finishedStepCount(pipeline, null)).toBe(0);
    const afterPlan = checkpoint([{ key: '1-plan', stageId: 'plan' }]);
    expect(finishedStepCount(pipeline, afterPlan)).toBe(1);
    expect(resumeStage(pipeline, afterPlan)?.id).toBe('api');
    const afterBuild = checkpoint([
      { key: '1-plan', stageId: 'plan' },
      { key: '2-api', stageId: 'api' },
      { key: '2-web', stageId: 'web' },
    ]);
    expect(finishedStepCount(pipeline, afterBuild)).toBe(2);
    expect(resumeStage(pipeline, afterBuild)?.id).toBe('review');
  });

  it('does not count a parallel step with a stage missing, nor stages of another pipeline', () => {
    const halfBuilt = checkpoint([
      { key: '1-plan', stageId: 'plan' },
      { key: '2-api', stageId: 'api' },
    ]);
    expect(finishedStepCount(pipeline, halfBuilt)).toBe(1);
    // Same key, another stage id: the pipeline changed; nothing is skipped.
    expect(finishedStepCount(pipeline, checkpoint([{ key: '1-plan', stageId: 'planner-v2' }]))).toBe(0);
    // A later step alone does not count: steps run in order.
    expect(finishedStepCount(pipeline, checkpoint([{ key: '3-review', stageId: 'review' }]))).toBe(0);
  });

  it('has no stage to resume at when nothing or everything is finished', () => {
    expect(resumeStage(pipeline, undefined)).toBeNull();
    const all = checkpoint(stageKeys(pipeline).flatMap((keys, step) => keys.map((key, n) => ({ key, stageId: pipeline.steps[step]!.stages[n]!.id }))));
    expect(finishedStepCount(pipeline, all)).toBe(3);
    expect(resumeStage(pipeline, all)).toBeNull();
  });
});

describe('the checkpoint body', () => {
  const valid = {
    runnerId: 'runner_1',
    checkpoint: {
      stages: [{ key: '1-plan', stageId: 'plan', output: '## Plan', sessionId: 'session-1' }],
      repositories: [{ fullName: 'acme/app', ref: 'refs/spedy/checkpoints/job_1-x', commit: 'a'.repeat(40) }],
      savedAt: 1_700_000_000_000,
    },
  };

  it('accepts a checkpoint of finished stages and pushed commits', () => {
    expect(checkpointRequest.parse(valid)).toEqual(valid);
    // SHA-256 repositories have 64-digit commit ids.
    expect(jobCheckpoint.safeParse({ ...valid.checkpoint, repositories: [{ ...valid.checkpoint.repositories[0], commit: 'b'.repeat(64) }] }).success).toBe(true);
  });

  it.each([
    ['no stages', { stages: [] }],
    ['a ref outside refs/spedy/checkpoints', { repositories: [{ ...valid.checkpoint.repositories[0], ref: 'refs/heads/main' }] }],
    ['a ref that walks out', { repositories: [{ ...valid.checkpoint.repositories[0], ref: 'refs/spedy/checkpoints/../heads/main' }] }],
    ['an abbreviated commit', { repositories: [{ ...valid.checkpoint.repositories[0], commit: 'abc1234' }] }],
    ['an output past 200,000 characters', { stages: [{ key: '1-plan', stageId: 'plan', output: 'x'.repeat(200_001) }] }],
    ['a savedAt beyond 2^53', { savedAt: 2 ** 60 }],
  ])('refuses %s', (_, change) => {
    expect(jobCheckpoint.safeParse({ ...valid.checkpoint, ...change }).success).toBe(false);
  });
});
