// Control messages for a job's runner (stop, continue, input, plan approval). Each is stored
// in the caller's transaction and sent until the runner acknowledges it: on the notice
// (whichever instance holds the runner's socket), on every (re)connect of that socket and
// in every heartbeat answer. A control whose job finished or changed runner is obsolete.
import { sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import type { JobControlMessage, controlActions } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import type { DbOrTx } from './db.ts';
import { notifyRunner } from './notices.ts';
import { finalJobStatuses } from '@spedy/protocol/job-status';

/** The longest answer a runner is sent in one control message. */
const maxTextBytes = 7500;
/** Acknowledged or obsolete controls are kept this long (for inspection), then pruned. */
const keepDoneMs = 24 * 60 * 60 * 1000;

export async function sendJobControl(
  tx: DbOrTx,
  input: { organizationId: string; jobId: string; action: (typeof controlActions)[number]; text?: string },
): Promise<{ runnerId: string; controlId: string }> {
  if (input.text !== undefined && Buffer.byteLength(JSON.stringify(input.text)) > maxTextBytes) {
    throw new SpedyError('invalid', `The message is too long for the runner (at most about ${maxTextBytes} bytes); shorten it.`);
  }
  const { rows } = await tx.execute<{ runner_id: string | null }>(
    sql`SELECT runner_id FROM job WHERE id = ${input.jobId} AND organization_id = ${input.organizationId}`,
  );
  if (!rows[0]) throw new SpedyError('notFound', 'No such job in this organization.');
  const runnerId = rows[0].runner_id;
  if (!runnerId) throw new SpedyError('conflict', 'No runner holds this job yet; it is waiting to be claimed.');
  const controlId = nanoid();
  await tx.execute(sql`
    INSERT INTO secure.job_control (id, job_id, runner_id, action, text, created_at)
    VALUES (${controlId}, ${input.jobId}, ${runnerId}, ${input.action}, ${input.text ?? null}, ${Date.now()})`);
  // The notice only says "look": the listener reads what waits (the text never rides in it).
  await notifyRunner(tx, { kind: 'control', runnerId, jobId: input.jobId, action: input.action });
  return { runnerId, controlId };
}

/** What `runnerId` has not acknowledged, oldest first, for jobs it still holds and that are not over. */
export async function pendingControls(db: DbOrTx, runnerId: string): Promise<JobControlMessage[]> {
  const { rows } = await db.execute<{ id: string; job_id: string; action: JobControlMessage['action']; text: string | null }>(sql`
    SELECT c.id, c.job_id, c.action, c.text
    FROM secure.job_control c JOIN job j ON j.id = c.job_id
    WHERE c.runner_id = ${runnerId} AND c.acked_at IS NULL
      AND j.runner_id = c.runner_id AND j.status <> ALL(${sql.param([...finalJobStatuses])}::text[])
    ORDER BY c.seq`);
  return rows.map((r) => ({ type: 'control', jobId: r.job_id, action: r.action, ...(r.text === null ? {} : { text: r.text }), controlId: r.id }));
}

/** The runner applied these (only its own count): they are never sent again. */
export async function ackControls(db: DbOrTx, runnerId: string, controlIds: string[]): Promise<void> {
  if (controlIds.length === 0) return;
  await db.execute(sql`
    UPDATE secure.job_control SET acked_at = ${Date.now()}
    WHERE id = ANY(${sql.param(controlIds)}::text[]) AND runner_id = ${runnerId} AND acked_at IS NULL`);
}

/** Drops controls acknowledged, or whose job ended, more than a day ago. */
export async function pruneControls(db: DbOrTx, now = Date.now()): Promise<void> {
  const before = now - keepDoneMs;
  await db.execute(sql`
    DELETE FROM secure.job_control c USING job j
    WHERE j.id = c.job_id AND (c.acked_at < ${before} OR (j.finished_at < ${before} AND j.status = ANY(${sql.param([...finalJobStatuses])}::text[])))`);
}
