// A job of an epic run ended (lib/jobs/transition.ts calls this in the transaction that ends it):
// the run's next step is enqueued in that same transaction, so it exists exactly when the end
// commits, and runs on whichever instance is free (./task.ts).
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { enqueueTask } from '../tasks/enqueue.ts';

export const advanceEpicRunTask = 'epic-run.advance';

/** Enqueues the run's next step; one waiting step per run is enough (it reads everything afresh). */
export function enqueueEpicRunStep(tx: DbOrTx, runId: string): Promise<string> {
  return enqueueTask(tx, advanceEpicRunTask, { runId }, { jobKey: `epic-run:${runId}` });
}

export async function epicJobFinished(tx: DbOrTx, jobId: string): Promise<void> {
  const { rows } = await tx.execute<{ run_id: string }>(sql`
    SELECT run_id FROM epic_run_node WHERE job_id = ${jobId}
    UNION SELECT id FROM epic_run WHERE reset_job_id = ${jobId} OR closing_job_id = ${jobId}`);
  for (const row of rows) await enqueueEpicRunStep(tx, row.run_id);
}
