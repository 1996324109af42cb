// A job's event stream: batches numbered per job by the runner, resent until acknowledged.
// (job_id, seq) is the key and the insert skips what is already there, so a resent batch
// is stored once; a batch's new text deltas are stored as few rows (delta-coalescing.ts). Once the job is final its stream is closed: only the runner that held it
// may still deliver what it had not delivered, for a short while (its final flush).
import { sql } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import { isFinalJobStatus, jobStatusLabels } from '@spedy/protocol/job-status';
import type { JobEventInput } from '@spedy/protocol/wire';
import type { DbOrTx } from './db.ts';
import { findHeldJob } from './held-job.ts';
import type { JobEventRow } from './event-feed.ts';
import { coalesceTextDeltas } from './delta-coalescing.ts';
import { addJobUsage } from './job-usage.ts';
import { countJobEvents, type StoredJobEvent } from '../analytics/rollups.ts';
import { linkPullRequests } from '../reviews/pull-requests.ts';
import { readJobEvent } from '@spedy/protocol/job-events';

/** How long after a job's final status its runner may still flush events (the runner waits up to 30 s itself). */
export const finalFlushGraceMs = 60_000;
import { spedyMetrics } from '../operations/metrics.ts';

/** Returns the highest sequence number stored for the job: everything up to it may be dropped by the runner. */
export async function appendJobEvents(
  db: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  events: JobEventInput[],
): Promise<{ ackedSeq: number }> {
  const answer = await db.transaction(async (tx) => {
    const job = await findHeldJob(tx, runner, jobId, { lock: true });
    const { rows: stored } = await tx.execute<{ ended_at: number; last_event_seq: number }>(
      sql`SELECT COALESCE(finished_at, updated_at) AS ended_at, last_event_seq FROM job WHERE id = ${jobId}`,
    );
    const { ended_at: endedAt, last_event_seq: delivered } = stored[0];
    let fresh = events;
    if (isFinalJobStatus(job.status)) {
      if (Date.now() - endedAt > finalFlushGraceMs) {
        throw new SpedyError('conflict', `The job is ${jobStatusLabels[job.status]}; its events were closed ${Math.round(finalFlushGraceMs / 1000)} s after it ended.`);
      }
      // The final flush adds what was not delivered yet; it never rewrites or fills in the stored stream.
      fresh = events.filter((e) => e.seq > delivered);
      if (fresh.length === 0) return { ackedSeq: delivered, stored: 0 };
    }
    const batch = JSON.stringify(coalesceTextDeltas(fresh, delivered).map((e) => ({ seq: e.seq, type: e.type, payload: e.payload, at: e.at })));
    const inserted = await tx.execute<StoredJobEvent>(sql`
      INSERT INTO job_event (job_id, seq, organization_id, type, payload, created_at)
      SELECT ${jobId}, e.seq, ${runner.organizationId}, e.type, e.payload, e.at
      FROM jsonb_to_recordset(${batch}::jsonb) AS e(seq integer, type text, payload jsonb, at double precision)
      ON CONFLICT (job_id, seq) DO NOTHING
      RETURNING seq, type, payload, created_at AS at`);
    // Only what was stored now counts: a resent batch adds nothing to the usage totals or the roll-ups.
    await addJobUsage(tx, { id: jobId, organizationId: runner.organizationId }, inserted.rows as JobEventRow[]);
    await countJobEvents(tx, jobId, inserted.rows);
    // A pull request the runner opened is linked to the job's ticket as it arrives.
    const opened = inserted.rows.filter((e) => e.type === 'pull_request').map((e) => readJobEvent('pull_request', e.payload));
    await linkPullRequests(tx, { id: jobId, organizationId: runner.organizationId }, opened.filter((p) => p !== null));
    const maxSeq = Math.max(...fresh.map((e) => e.seq));
    // The runner flagged "Diminishing returns": the job keeps the first time, for its badge.
    const flaggedAt = fresh.find((e) => e.type === 'diminishing_returns')?.at ?? null;
    const { rows } = await tx.execute<{ last_event_seq: number }>(sql`
      UPDATE job SET last_event_seq = GREATEST(last_event_seq, ${maxSeq}),
        diminishing_returns_at = COALESCE(diminishing_returns_at, ${flaggedAt}::double precision)
      WHERE id = ${jobId} RETURNING last_event_seq`);
    return { ackedSeq: rows[0].last_event_seq, stored: inserted.rowCount ?? 0 };
  });
  spedyMetrics().eventsStored.inc(answer.stored); // after commit: resent duplicates and rolled-back batches do not count
  return { ackedSeq: answer.ackedSeq };
}
