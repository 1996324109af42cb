// A job's event stream: batches numbered per job by the runner, resent until acknowledged.
// (job_id, seq) is the key and the insert skips what is already there, so a resent batch
// is stored once.
import { sql } from 'drizzle-orm';
import type { JobEventInput } from '@spedy/protocol/wire';
import type { DbOrTx } from './db.ts';
import { findHeldJob } from './held-job.ts';
import { spedyMetrics } from '../operations/metrics.ts';

/** Returns the highest sequence number stored for the job: everything up to it may be dropped by the runner. */
export async function appendJobEvents(
  db: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  events: JobEventInput[],
): Promise<{ ackedSeq: number }> {
  const answer = await db.transaction(async (tx) => {
    await findHeldJob(tx, runner, jobId, { lock: true });
    const batch = JSON.stringify(events.map((e) => ({ seq: e.seq, type: e.type, payload: e.payload, at: e.at })));
    const inserted = await tx.execute(sql`
      INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at)
      SELECT ${jobId}, e.seq, ${runner.organizationId}, e.type, e.payload, e.at
      FROM jsonb_to_recordset(${batch}::jsonb) AS e(seq integer, type text, payload jsonb, at double precision)
      ON CONFLICT (job_id, seq) DO NOTHING`);
    const maxSeq = Math.max(...events.map((e) => e.seq));
    const { rows } = await tx.execute<{ last_event_seq: number }>(sql`
      UPDATE job SET last_event_seq = GREATEST(last_event_seq, ${maxSeq}) WHERE id = ${jobId} RETURNING last_event_seq`);
    return { ackedSeq: rows[0].last_event_seq, stored: inserted.rowCount ?? 0 };
  });
  spedyMetrics().eventsStored.inc(answer.stored); // after commit: resent duplicates and rolled-back batches do not count
  return { ackedSeq: answer.ackedSeq };
}
