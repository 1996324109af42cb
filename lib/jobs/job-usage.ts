// Keeps job_usage in step with a job's events: called in the transaction that stores them
// (events.ts), so the totals never disagree with the stored events.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './db.ts';
import type { JobEventRow } from './event-feed.ts';
import { storedSaving, usageOfEvents } from './usage.ts';

/** Adds newly stored events to the job's row in job_usage (created on its first usage). */
export async function addJobUsage(tx: DbOrTx, job: { id: string; organizationId: string }, stored: readonly JobEventRow[]): Promise<void> {
  const counted = stored.filter((e) => e.type === 'usage' || e.type === 'result');
  if (counted.length === 0) return;
  const totals = usageOfEvents(counted);
  // A runner's figures are stored as whole, non-negative counts that fit their columns (a
  // fractional, negative or absurd figure must not fail the runner's event batch).
  const whole = (n: number, max: number) => (Number.isFinite(n) ? Math.min(Math.max(Math.round(n), 0), max) : 0);
  const tokens = (n: number) => whole(n, 1e12);
  const u = {
    ...totals,
    inputTokens: tokens(totals.inputTokens),
    outputTokens: tokens(totals.outputTokens),
    cacheReadTokens: tokens(totals.cacheReadTokens),
    cacheWriteTokens: tokens(totals.cacheWriteTokens),
    costUsd: Number.isFinite(totals.costUsd) ? Math.min(Math.max(totals.costUsd, 0), 1e9) : 0,
    turns: whole(totals.turns, 100_000),
    ...storedSaving(totals.saving),
  };
  const amount = (n: number) => (Number.isFinite(n) ? Math.min(Math.max(n, -1e9), 1e9) : 0);
  await tx.execute(sql`
    INSERT INTO job_usage AS u (job_id, organization_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_incomplete, partial, turns,
      cache_read_saving_usd, cache_write_premium_usd, saving_unpriced)
    VALUES (${job.id}, ${job.organizationId}, ${u.inputTokens}, ${u.outputTokens}, ${u.cacheReadTokens}, ${u.cacheWriteTokens}, ${u.costUsd}, ${u.costIncomplete}, ${u.partial}, ${u.turns},
      ${amount(u.cacheReadSavingUsd)}, ${amount(u.cacheWritePremiumUsd)}, ${u.savingUnpriced})
    ON CONFLICT (job_id) DO UPDATE SET
      input_tokens = u.input_tokens + EXCLUDED.input_tokens,
      output_tokens = u.output_tokens + EXCLUDED.output_tokens,
      cache_read_tokens = u.cache_read_tokens + EXCLUDED.cache_read_tokens,
      cache_write_tokens = u.cache_write_tokens + EXCLUDED.cache_write_tokens,
      cost_usd = u.cost_usd + EXCLUDED.cost_usd,
      cost_incomplete = u.cost_incomplete OR EXCLUDED.cost_incomplete,
      partial = u.partial OR EXCLUDED.partial,
      turns = LEAST(u.turns::bigint + EXCLUDED.turns, 2147483647),
      cache_read_saving_usd = u.cache_read_saving_usd + EXCLUDED.cache_read_saving_usd,
      cache_write_premium_usd = u.cache_write_premium_usd + EXCLUDED.cache_write_premium_usd,
      saving_unpriced = u.saving_unpriced OR EXCLUDED.saving_unpriced`);
}

