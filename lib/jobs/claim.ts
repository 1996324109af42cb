// Claiming: a Ready job goes to exactly one runner, however many race for it. The runner
// is locked first (a transaction advisory lock on its id), so one runner's concurrent
// claims queue and its capacity check (active jobs < pool size) sees the claims committed
// before it; the job row is taken with FOR UPDATE SKIP LOCKED, so racing runners never
// wait on each other or share a job.
//
// The statements live in the SQL function spedy_claim_job (latest version: migration
// 0008_runner_job_matching): one round trip per claim with cached plans, and each of
// its statements takes a fresh snapshot after the runner lock is granted, which a single
// statement could not. Which runner may take which job is the matching rule
// (./matching.ts), oldest job first.
import { sql } from 'drizzle-orm';
import type { ClaimedJob, JobSnapshot } from '@spedy/protocol/wire';
import { revokedOrExpired } from '../runners/authenticate.ts';
import { SpedyError } from '@spedy/protocol/errors';
import type { DbOrTx } from './db.ts';
import { activeStatusesParam, runnerActiveJobs, runnerFreeSlots, runnerLacks } from './matching.ts';
import { assertTransition, type JobStatus } from '@spedy/protocol/job-status';
import { spedyMetrics } from '../operations/metrics.ts';

// spedy_claim_job moves Ready → Claimed; the machine must allow it.
assertTransition('ready', 'claimed');

type ClaimRow = {
  runner_name: string;
  runner_status: string;
  token_id: string | null;
  token_revoked_at: number | null;
  token_expires_at: number | null;
  job_id: string | null;
  job_organization_id: string;
  job_type: ClaimedJob['type'];
  job_title: string;
  job_status: JobStatus;
  job_snapshot: JobSnapshot;
  job_last_event_seq: number;
};

/**
 * Claims the oldest matching Ready job, or `jobId` if given; null when there is none (or
 * another runner took it first). With `tokenId` (a runner socket, authenticated when it
 * opened), the claim also requires that token to be neither revoked nor expired.
 */
export async function claimJob(db: DbOrTx, runnerId: string, options: { jobId?: string; tokenId?: string } = {}): Promise<ClaimedJob | null> {
  const now = Date.now();
  const { rows } = await db.execute<ClaimRow>(sql`
    SELECT * FROM spedy_claim_job(${runnerId}, ${options.jobId ?? null}, ${options.tokenId ?? null}, ${now}, ${activeStatusesParam()})`);
  const row = rows[0];
  if (!row) throw new SpedyError('notFound', 'No such runner in this organization; register it first (POST /api/v1/runners/register).');
  if (options.tokenId !== undefined) {
    const refusal = revokedOrExpired(row.token_id ? { revoked_at: row.token_revoked_at, expires_at: row.token_expires_at } : undefined, now);
    if (refusal) throw new SpedyError('unauthenticated', refusal);
  }
  if (row.runner_status !== 'online') {
    throw new SpedyError('conflict', `Runner ${row.runner_name} is Offline (its heartbeats stopped); send a heartbeat, then claim again.`);
  }
  if (row.job_id) {
    spedyMetrics().claims.inc();
    return {
      id: row.job_id,
      organizationId: row.job_organization_id,
      type: row.job_type,
      title: row.job_title,
      status: row.job_status,
      snapshot: row.job_snapshot,
      lastEventSeq: row.job_last_event_seq,
    };
  }
  if (options.jobId !== undefined) await explainRefusedClaim(db, runnerId, options.jobId);
  return null;
}

/** A claim of one named job that took nothing: say why, unless another runner simply got there first. */
async function explainRefusedClaim(db: DbOrTx, runnerId: string, jobId: string): Promise<void> {
  const { rows } = await db.execute<{ name: string; pool_size: number; status: string | null; lacks: string[] | null; active: number; free_slots: number }>(sql`
    SELECT r.name, r.pool_size, j.status, ${runnerLacks('r', 'j')} AS lacks, ${runnerActiveJobs('r')} AS active, ${runnerFreeSlots('r')} AS free_slots
    FROM runner r LEFT JOIN job j ON j.id = ${jobId} AND j.organization_id = r.organization_id
    WHERE r.id = ${runnerId}`);
  const row = rows[0];
  if (!row?.status) throw new SpedyError('notFound', 'No such job in this organization.');
  if (row.status !== 'ready') return;
  const missing = row.lacks ?? [];
  if (missing.length > 0) throw new SpedyError('conflict', `Runner ${row.name} cannot take this job: it lacks ${missing.join(', ')}.`);
  if (row.free_slots === 0) {
    throw new SpedyError('conflict', `Runner ${row.name} is at capacity (${row.active} of ${row.pool_size} jobs active); finish one first.`);
  }
}
