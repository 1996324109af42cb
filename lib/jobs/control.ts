// Control messages for a job's runner (stop, continue, input, plan approval). They reach
// the runner's socket on whichever instance holds it, after the caller's transaction commits.
import { sql } from 'drizzle-orm';
import type { controlActions } from '../runner-api/wire.ts';
import { RunnerError } from '../runners/errors.ts';
import type { DbOrTx } from './db.ts';
import { maxNoticeBytes, notifyRunner } from './notices.ts';

/** Room left in a NOTIFY payload for the text of an answer (the ids and keys take the rest). */
const maxTextBytes = maxNoticeBytes - 400;

export async function sendJobControl(
  tx: DbOrTx,
  input: { organizationId: string; jobId: string; action: (typeof controlActions)[number]; text?: string },
): Promise<{ runnerId: string }> {
  if (input.text !== undefined && Buffer.byteLength(JSON.stringify(input.text)) > maxTextBytes) {
    throw new RunnerError('invalid', `The message is too long for the runner (at most about ${maxTextBytes} bytes); shorten it.`);
  }
  const { rows } = await tx.execute<{ runner_id: string | null }>(
    sql`SELECT runner_id FROM job WHERE id = ${input.jobId} AND organization_id = ${input.organizationId}`,
  );
  if (!rows[0]) throw new RunnerError('notFound', 'No such job in this organization.');
  const runnerId = rows[0].runner_id;
  if (!runnerId) throw new RunnerError('conflict', 'No runner holds this job yet; it is waiting to be claimed.');
  await notifyRunner(tx, { kind: 'control', runnerId, jobId: input.jobId, action: input.action, text: input.text });
  return { runnerId };
}
