// A two-stage job for tests of draining a runner (test/supervisor-drain.pg.test.ts and the
// compose upgrade in test/supervisor-compose.pg.test.ts): "Draft" writes draft.txt; "Finish"
// waits in `sleep 600` while the test holds it (so a drain has a stage container to stop), and
// writes finish.txt once released. Each stage picks its scenario by the marker in its name.
import type { PipelineConfig } from '../../lib/teams/pipeline.ts';
import { presets } from '../../lib/teams/presets.ts';
import { text, toolUse, type Scenario } from '../../test-kit/model-server/scenario.ts';
import type { ModelServer } from '../../test-kit/model-server/server.ts';
import { codingStage } from './jobs.ts';

export type TwoStageJob = {
  scenarios: Record<string, Scenario>;
  /** While true, the second stage's agent waits until it is stopped. */
  hold: { second: boolean };
};

export function twoStageJob(): TwoStageJob {
  const hold = { second: true };
  return {
    hold,
    scenarios: {
      'drain-draft': {
        description: 'The first stage: writes draft.txt with Bash, then ends.',
        turns: [{ content: [toolUse('Bash', { command: 'echo drafted > draft.txt', description: 'Draft' })] }, { content: [text('Drafted.')] }],
      },
      'drain-finish': {
        description: 'The second stage: `sleep 600` while held, otherwise writes finish.txt with Bash, then ends.',
        turns: [
          () =>
            hold.second
              ? { content: [toolUse('Bash', { command: 'sleep 600', description: 'Wait', timeout: 600_000 })] }
              : { content: [toolUse('Bash', { command: 'echo finished > finish.txt', description: 'Finish' })] },
          { content: [text('Finished.')] },
        ],
      },
    },
  };
}

/** The Code Runner preset with the two stages as its steps. */
export function twoStagePipeline(): PipelineConfig {
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [
    { id: 'step-draft', stages: [codingStage('draft', { name: 'Draft [scenario:drain-draft]', validationCommands: [], maxRetries: 0 })] },
    { id: 'step-finish', stages: [codingStage('finish', { name: 'Finish [scenario:drain-finish]', validationCommands: [], maxRetries: 0 })] },
  ];
  return pipeline;
}

/** How many times the first stage's agent started (its first model request). */
export function draftRuns(model: Pick<ModelServer, 'requests'>): number {
  return model.requests().filter((request) => request.path.startsWith('/v1/messages') && request.scenario === 'drain-draft' && request.turn === 0).length;
}
