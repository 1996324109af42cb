// Keeps job_usage in step with a job's events: called in the transaction that stores them
// (events.ts), so the totals never disagree with the stored events.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './db.ts';
import type { JobEventRow } from './event-feed.ts';
import { usageOfEvents } from './usage.ts';

/** Adds newly stored events to the job's row in job_usage (created on its first usage). */
export async function addJobUsage(tx: DbOrTx, job: { id: string; organizationId: string }, stored: readonly JobEventRow[]): Promise<void> {
  const counted = stored.filter((e) => e.type === 'usage' || e.type === 'result');
  if (counted.length === 0) return;
  const u = usageOfEvents(counted);
  await tx.execute(sql`
    INSERT INTO job_usage AS u (job_id, organization_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_incomplete, partial, turns)
    VALUES (${job.id}, ${job.organizationId}, ${u.inputTokens}, ${u.outputTokens}, ${u.cacheReadTokens}, ${u.cacheWriteTokens}, ${u.costUsd}, ${u.costIncomplete}, ${u.partial}, ${u.turns})
    ON CONFLICT (job_id) DO UPDATE SET
      input_tokens = u.input_tokens + EXCLUDED.input_tokens,
      output_tokens = u.output_tokens + EXCLUDED.output_tokens,
      cache_read_tokens = u.cache_read_tokens + EXCLUDED.cache_read_tokens,
      cache_write_tokens = u.cache_write_tokens + EXCLUDED.cache_write_tokens,
      cost_usd = u.cost_usd + EXCLUDED.cost_usd,
      cost_incomplete = u.cost_incomplete OR EXCLUDED.cost_incomplete,
      partial = u.partial OR EXCLUDED.partial,
      turns = u.turns + EXCLUDED.turns`);
}

