// Keeps the daily roll-ups (lib/db/analytics-schema.ts) in step with what they count, in the
// caller's transaction: the events a runner delivers (usage, stage ends, validations, turns)
// from lib/jobs/events.ts, and a job's final status from lib/jobs/transition.ts. Only events
// stored for the first time are counted, so a resent batch is counted once; each key is one
// upsert that adds to the row.
import { sql, type SQL } from 'drizzle-orm';
import { readJobEvent } from '@spedy/protocol/job-events';
import type { JobStatus } from '@spedy/protocol/job-status';
import { pipelineSnapshot } from '@spedy/protocol/wire';
import type { DbOrTx } from '../jobs/db.ts';
import { usageCostUsd } from '../jobs/event-feed.ts';
import { cacheSaving } from './cache-saving.ts';
import { dayOf, defaultTimeZone } from './days.ts';

/** An event as stored: its time is the runner's (`at`, epoch ms). */
export type StoredJobEvent = { seq: number; type: string; payload: unknown; at: number };

type JobKeys = { organizationId: string; teamId: string; projectId: string; timeZone: string };

/** The organization's time zone for analytics (UTC without a setting). */
export async function organizationTimeZone(tx: DbOrTx, organizationId: string): Promise<string> {
  const { rows } = await tx.execute<{ time_zone: string }>(sql`SELECT time_zone FROM organization_settings WHERE organization_id = ${organizationId}`);
  return rows[0]?.time_zone ?? defaultTimeZone;
}

async function jobKeys(tx: DbOrTx, jobId: string): Promise<JobKeys & { createdAt: number }> {
  const { rows } = await tx.execute<{ organization_id: string; team_id: string | null; project_id: string | null; created_at: number; time_zone: string | null }>(sql`
    SELECT j.organization_id, j.team_id, j.project_id, j.created_at, s.time_zone
    FROM job j LEFT JOIN organization_settings s ON s.organization_id = j.organization_id
    WHERE j.id = ${jobId}`);
  const row = rows[0];
  if (!row) throw new Error(`Job ${jobId} not found for its roll-ups.`);
  return {
    organizationId: row.organization_id,
    teamId: row.team_id ?? '',
    projectId: row.project_id ?? '',
    timeZone: row.time_zone ?? defaultTimeZone,
    createdAt: Number(row.created_at),
  };
}

/** Stage id → stage name, from the job's snapshot (usage and validation events name only the id). */
async function stageNames(tx: DbOrTx, jobId: string): Promise<Map<string, string>> {
  const { rows } = await tx.execute<{ pipeline: unknown }>(sql`SELECT snapshot->'pipeline' AS pipeline FROM secure.job_snapshot WHERE job_id = ${jobId}`);
  const parsed = pipelineSnapshot.safeParse(rows[0]?.pipeline);
  const names = new Map<string, string>();
  if (parsed.success) for (const step of parsed.data.steps) for (const stage of step.stages) names.set(stage.id, stage.name);
  return names;
}

/** Sums per row key, then one additive upsert per key. */
class Increments<K extends Record<string, string>> {
  private rows = new Map<string, { key: K; values: Record<string, number> }>();
  add(key: K, values: Record<string, number>) {
    const id = JSON.stringify(key);
    const row = this.rows.get(id) ?? { key, values: {} };
    for (const [column, value] of Object.entries(values)) row.values[column] = (row.values[column] ?? 0) + value;
    this.rows.set(id, row);
  }
  async write(tx: DbOrTx, table: string, keyColumns: (keyof K & string)[]) {
    for (const { key, values } of this.rows.values()) {
      const columns = [...keyColumns, ...Object.keys(values)];
      const inserted = [...keyColumns.map((c) => sql`${key[c]}`), ...Object.values(values).map((v) => sql`${v}`)];
      const updates: SQL[] = Object.keys(values).map((c) => sql`${sql.identifier(c)} = ${sql.identifier(table)}.${sql.identifier(c)} + EXCLUDED.${sql.identifier(c)}`);
      await tx.execute(sql`
        INSERT INTO ${sql.identifier(table)} (${sql.join(columns.map((c) => sql.identifier(c)), sql`, `)})
        VALUES (${sql.join(inserted, sql`, `)})
        ON CONFLICT (${sql.join(keyColumns.map((c) => sql.identifier(c)), sql`, `)}) DO UPDATE SET ${sql.join(updates, sql`, `)}`);
    }
  }
}

type DayKey = { organization_id: string; day: string };
type ModelKey = DayKey & { model: string };
type StageKey = DayKey & { stage: string };
type CostKey = ModelKey & { team_id: string; project_id: string };

/** When the span of a stage that just ended began: its latest start or resume before `seq`. */
async function stageStartedAt(tx: DbOrTx, jobId: string, stage: string, seq: number): Promise<number | null> {
  const { rows } = await tx.execute<{ created_at: number }>(sql`
    SELECT created_at FROM job_event
    WHERE job_id = ${jobId} AND type = 'stage' AND seq < ${seq} AND payload->>'stage' = ${stage} AND payload->>'phase' IN ('started', 'resumed')
    ORDER BY seq DESC LIMIT 1`);
  return rows[0] ? Number(rows[0].created_at) : null;
}

const countedTypes = new Set(['usage', 'stage', 'validation', 'result']);

/**
 * A runner's figure as a count: a negative, fractional or absurd value (the event schemas take
 * any number) must neither fail the batch in PostgreSQL nor overflow a day's sum.
 */
export function asCount(value: number, max = 1e12): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), max) : 0;
}
const maxNameLength = 200;
/** The largest time a JavaScript Date holds (ECMA-262: ±100,000,000 days). */
const maxDateMs = 8.64e15;
const asAmount = (value: number) => (Number.isFinite(value) ? Math.max(-1e9, Math.min(value, 1e9)) : 0);

/** Counts the job's newly stored events (call after inserting them, in the same transaction). */
export async function countJobEvents(tx: DbOrTx, jobId: string, events: readonly StoredJobEvent[]): Promise<void> {
  const counted = [...events].filter((e) => countedTypes.has(e.type)).sort((a, b) => a.seq - b.seq);
  if (counted.length === 0) return;
  const job = await jobKeys(tx, jobId);
  const names = counted.some((e) => e.type !== 'result') ? await stageNames(tx, jobId) : new Map<string, string>();
  // Names are part of a row's key: a runner's overlong text must not exceed an index entry.
  const nameOf = (stage: string, fallback = stage) => (names.get(stage) ?? fallback).slice(0, maxNameLength);
  const days = new Increments<DayKey>();
  const models = new Increments<ModelKey>();
  const stages = new Increments<StageKey>();
  const costs = new Increments<CostKey>();
  for (const event of counted) {
    // A time no calendar has (the runner's `at` is any number) counts today.
    const at = Number.isFinite(event.at) && Math.abs(event.at) <= maxDateMs ? event.at : Date.now();
    const dayKey: DayKey = { organization_id: job.organizationId, day: dayOf(at, job.timeZone) };
    const stageKey = (stage: string): StageKey => ({ ...dayKey, stage: nameOf(stage) });
    if (event.type === 'usage') {
      const u = readJobEvent('usage', event.payload);
      if (!u) continue;
      const model = u.model.slice(0, maxNameLength);
      const metered = { ...u, inputTokens: asCount(u.inputTokens), outputTokens: asCount(u.outputTokens), cacheReadTokens: asCount(u.cacheReadTokens), cacheWriteTokens: asCount(u.cacheWriteTokens) };
      const cost = usageCostUsd(metered);
      const saving = cacheSaving(metered);
      const tokens = { input_tokens: metered.inputTokens, output_tokens: metered.outputTokens, cache_read_tokens: metered.cacheReadTokens, cache_write_tokens: metered.cacheWriteTokens };
      const priced = { cost_usd: asAmount(cost ?? 0), unpriced_usages: cost == null ? 1 : 0 };
      const saved = { cache_read_saving_usd: saving.readSavingUsd, cache_write_premium_usd: saving.writePremiumUsd };
      days.add(dayKey, { ...tokens, ...priced, ...saved });
      models.add({ ...dayKey, model }, { ...tokens, ...saved });
      costs.add({ ...dayKey, team_id: job.teamId, project_id: job.projectId, model }, { ...tokens, ...priced, ...saved });
      if (u.stage) stages.add(stageKey(u.stage), { ...tokens, ...priced });
    } else if (event.type === 'stage') {
      const s = readJobEvent('stage', event.payload);
      if (!s || s.phase === 'started' || s.phase === 'resumed') continue;
      const started = await stageStartedAt(tx, jobId, s.stage, event.seq);
      stages.add(
        { ...dayKey, stage: nameOf(s.stage, s.name) },
        { duration_ms: started == null ? 0 : asCount(at - started), completed: s.phase === 'completed' ? 1 : 0, failed: s.phase === 'failed' ? 1 : 0 },
      );
    } else if (event.type === 'validation') {
      const v = readJobEvent('validation', event.payload);
      if (v?.stage) stages.add(stageKey(v.stage), { validations: 1, validations_passed: v.passed ? 1 : 0 });
    } else if (event.type === 'result') {
      const r = readJobEvent('result', event.payload);
      if (r?.numTurns) days.add(dayKey, { turns: asCount(r.numTurns, 100_000) });
    }
  }
  await days.write(tx, 'job_daily', ['organization_id', 'day']);
  await models.write(tx, 'usage_daily', ['organization_id', 'day', 'model']);
  await stages.write(tx, 'stage_daily', ['organization_id', 'day', 'stage']);
  await costs.write(tx, 'cost_daily', ['organization_id', 'day', 'team_id', 'project_id', 'model']);
}

const outcomeColumn: Partial<Record<JobStatus, string>> = { completed: 'completed', failed: 'failed', error: 'errored' };

/** Counts a job reaching a final status at `now` (call in the transaction of the change). */
export async function countFinishedJob(tx: DbOrTx, jobId: string, status: JobStatus, now: number): Promise<void> {
  const column = outcomeColumn[status];
  if (!column) return;
  const job = await jobKeys(tx, jobId);
  const rows = new Increments<DayKey>();
  rows.add({ organization_id: job.organizationId, day: dayOf(now, job.timeZone) }, { [column]: 1, duration_ms: Math.max(0, now - job.createdAt) });
  await rows.write(tx, 'job_daily', ['organization_id', 'day']);
}
