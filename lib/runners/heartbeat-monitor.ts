// Runners whose heartbeats stopped turn Offline and their running jobs Failed, unless the
// runner said it was draining (an upgrade or a restart): then they are handed back, Ready for
// any runner that matches (./hand-back.ts). Jobs that wait for a person or for that runner
// (Stopped, Waiting for Input, Ready again after Continue or an answer) keep waiting: their
// folder is on that runner, and it takes them up when it is back. The task queue
// runs the sweep once per period across instances (lib/tasks/heartbeat-sweep.ts); it is
// still one transaction whose UPDATE only takes runners that are still Online, so two
// overlapping sweeps (a slow run and its successor) fail a lost runner's jobs once.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { canTransition, slotJobStatuses, type JobStatus } from '@spedy/protocol/job-status';
import { defaultOfflineTimeoutSeconds } from './presence.ts';
import { transitionJob } from '../jobs/transition.ts';
import { handBackRunnerJobs } from './hand-back.ts';

export function runnerOfflineReason(runnerName: string, timeoutSeconds: number): string {
  return `Runner ${runnerName} went offline (no heartbeat for ${timeoutSeconds} s)`;
}

/** Jobs a lost runner may hold and that the machine lets fail: every status that takes a pool slot. */
const failableStatuses = slotJobStatuses.filter((s) => canTransition(s, 'failed'));

export type LostRunner = {
  id: string;
  name: string;
  organizationId: string;
  timeoutSeconds: number;
  failedJobIds: string[];
  /** A draining runner's working jobs, Ready again instead of Failed. */
  handedBackJobIds: string[];
};

/**
 * `heartbeatFloor`: heartbeats count as no older than this (the sweeping instance's start):
 * while it was down, runners could not reach it, which is no sign that they are gone.
 */
export async function sweepLostRunners(db: DbOrTx, now = Date.now(), heartbeatFloor = 0): Promise<LostRunner[]> {
  return db.transaction(async (tx) => {
    const { rows: lost } = await tx.execute<{ id: string; name: string; organization_id: string; timeout_seconds: number; draining: boolean }>(sql`
      UPDATE runner r SET status = 'offline'
      FROM (
        SELECT o.id AS organization_id, COALESCE(s.offline_timeout_seconds, ${defaultOfflineTimeoutSeconds}) AS timeout_seconds
        FROM organization o LEFT JOIN runner_settings s ON s.organization_id = o.id
      ) t
      WHERE t.organization_id = r.organization_id AND r.status = 'online'
        AND GREATEST(r.last_heartbeat_at, ${heartbeatFloor}::double precision) < ${now}::double precision - t.timeout_seconds * 1000
      RETURNING r.id, r.name, r.organization_id, t.timeout_seconds, r.draining_since IS NOT NULL AS draining`);
    if (lost.length === 0) return [];

    const handedBack = new Map<string, string[]>();
    for (const runner of lost.filter((r) => r.draining)) handedBack.set(runner.id, await handBackRunnerJobs(tx, runner, now));
    const gone = lost.filter((r) => !r.draining).map((r) => r.id);
    const { rows: held } = await tx.execute<{ id: string; organization_id: string; runner_id: string; status: JobStatus }>(sql`
      SELECT id, organization_id, runner_id, status FROM job
      WHERE runner_id = ANY(${sql.param(gone)}::text[]) AND status = ANY(${sql.param(failableStatuses)}::text[])
      FOR UPDATE`);
    const reasons = new Map(lost.map((r) => [r.id, runnerOfflineReason(r.name, r.timeout_seconds)]));
    for (const job of held) {
      const locked = { id: job.id, organizationId: job.organization_id, runnerId: job.runner_id, status: job.status };
      await transitionJob(tx, locked, { to: 'failed', reason: reasons.get(job.runner_id) ?? null }, now);
    }
    return lost.map((r) => ({
      id: r.id,
      name: r.name,
      organizationId: r.organization_id,
      timeoutSeconds: r.timeout_seconds,
      failedJobIds: held.filter((j) => j.runner_id === r.id).map((j) => j.id),
      handedBackJobIds: handedBack.get(r.id) ?? [],
    }));
  });
}
