// Events do not pile up forever: each organization keeps the full detail of a finished job's
// events for `organization_settings.event_retention_days` (default 30); after that the job is
// compacted once. Kept: the progress summary (its latest), usage, results, pull requests,
// errors, stages, plans, questions, validations, the agent's texts and tool calls. Dropped:
// streamed text deltas (the message's whole `text` repeats them) and tool output beyond
// `keptToolOutputChars`. The job's figures live in job_usage and its result on the job row,
// which compaction does not touch. A job that is not final is never compacted.
import { sql } from 'drizzle-orm';
import { finalJobStatuses } from '@spedy/protocol/job-status';
import type { DbOrTx } from './db.ts';
import { defaultEventRetentionDays } from './retention-setting.ts';

const dayMs = 86_400_000;
/** A compacted tool result keeps this much of its output. */
export const keptToolOutputChars = 2000;

/** How many jobs one run of the task compacts at most (each in its own transaction). */
const jobsPerRun = 50;

/**
 * Compacts the finished jobs whose organization's retention has passed, oldest first, up to
 * `jobsPerRun`; returns their ids. Safe to run on several instances at once (SKIP LOCKED).
 */
export async function compactExpiredJobs(db: DbOrTx, now = Date.now()): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT j.id FROM job j
    LEFT JOIN organization_settings s ON s.organization_id = j.organization_id
    WHERE j.compacted_at IS NULL AND j.finished_at IS NOT NULL
      AND j.status IN (${sql.join(finalJobStatuses.map((s) => sql`${s}`), sql`, `)})
      AND j.finished_at < ${now}::double precision - COALESCE(s.event_retention_days, ${defaultEventRetentionDays}) * ${dayMs}::double precision
    ORDER BY j.finished_at
    LIMIT ${jobsPerRun}`);
  const compacted: string[] = [];
  for (const { id } of rows) if (await compactJob(db, id, now)) compacted.push(id);
  return compacted;
}

/** Compacts one finished job's events in one transaction; false when it is not (or no longer) due. */
async function compactJob(db: DbOrTx, jobId: string, now: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The row lock orders compaction after a runner's final flush (appendJobEvents locks it too).
    const { rows } = await tx.execute<{ id: string }>(sql`
      SELECT id FROM job WHERE id = ${jobId} AND compacted_at IS NULL
        AND status IN (${sql.join(finalJobStatuses.map((s) => sql`${s}`), sql`, `)})
      FOR UPDATE SKIP LOCKED`);
    if (rows.length === 0) return false;
    await tx.execute(sql`DELETE FROM job_event WHERE job_id = ${jobId} AND type = 'text_delta'`);
    // The latest progress is the job's summary; the earlier ones only led up to it.
    await tx.execute(sql`
      DELETE FROM job_event WHERE job_id = ${jobId} AND type = 'progress'
        AND seq < (SELECT max(seq) FROM job_event WHERE job_id = ${jobId} AND type = 'progress')`);
    await tx.execute(sql`
      UPDATE job_event SET payload = jsonb_set(payload, '{content}', to_jsonb(
          left(payload->>'content', ${keptToolOutputChars}) || E'\n… (' || (length(payload->>'content') - ${keptToolOutputChars}) || ' more characters dropped when the job was compacted)'))
      WHERE job_id = ${jobId} AND type = 'tool_result' AND length(payload->>'content') > ${keptToolOutputChars}`);
    await tx.execute(sql`UPDATE job SET compacted_at = ${now} WHERE id = ${jobId}`);
    return true;
  });
}
