// The orchestrator's durable tasks (lib/tasks/queue.ts): a run's step, enqueued whenever
// something may move it on, and a sweep that steps every running run now and then, so a step
// lost with a killed instance (its task stays locked for hours) delays a run by one period at most.
import { z } from 'zod';
import type { DbOrTx } from '../jobs/db.ts';
import type { OneOffTask, PeriodicTask } from '../tasks/queue.ts';
import { advanceEpicRun, runningEpicRuns } from './advance.ts';
import { advanceEpicRunTask } from './job-finished.ts';

const stepPayload = z.object({ runId: z.string().min(1) });

export function epicRunStepTask(deps: { db: DbOrTx }): OneOffTask {
  return {
    identifier: advanceEpicRunTask,
    run: async (payload) => {
      await advanceEpicRun(deps.db, stepPayload.parse(payload).runId);
    },
  };
}

export function epicRunSweep(deps: { db: DbOrTx; periodMs?: number; log: (line: string) => void }): PeriodicTask {
  return {
    identifier: 'epic-run-sweep',
    periodMs: deps.periodMs ?? 15_000,
    run: async () => {
      for (const runId of await runningEpicRuns(deps.db)) {
        await advanceEpicRun(deps.db, runId).catch((error: unknown) => deps.log(`epic run ${runId}: ${error instanceof Error ? error.message : String(error)}`));
      }
    },
  };
}
