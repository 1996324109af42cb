// Claiming: a Ready job goes to exactly one runner, however many race for it. The runner
// is locked first (a transaction advisory lock on its id), so one runner's concurrent
// claims queue and its capacity check (jobs holding a slot < pool size) sees the claims
// committed before it; the job row is taken with FOR UPDATE SKIP LOCKED, so racing
// runners never wait on each other or share a job.
//
// The statements live in the SQL function spedy_claim_jobs (migration
// 0010_job_snapshot_and_batched_claims), which decides a batch of claims in one
// transaction: the claims that arrive on this instance while a batch runs go together in
// the next one (group commit). Under load that is one round trip, one commit and one
// replicated transaction (zero-cache) for many claims; alone, a claim runs at once in a
// batch of one. Which runner may take which job is the matching rule (./matching.ts):
// the jobs it still holds (continued or answered) first, then new work, oldest first.
import { sql } from 'drizzle-orm';
import type { ClaimedJob, JobSnapshot } from '@spedy/protocol/wire';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { revokedOrExpired } from '../runners/authenticate.ts';
import { SpedyError, toError } from '@spedy/protocol/errors';
import type { DbOrTx } from './db.ts';
import { runnerActiveJobs, runnerFreeSlots, runnerLacks, slotStatusesParam } from './matching.ts';
import { assertTransition, type JobStatus } from '@spedy/protocol/job-status';
import { spedyMetrics } from '../operations/metrics.ts';

// spedy_claim_jobs moves Ready → Claimed; the machine must allow it.
assertTransition('ready', 'claimed');

/** The most claims decided in one transaction (the rest wait for the next batch). */
const maxBatch = 200;

type ClaimRow = {
  request: number;
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
  job_checkpoint: JobCheckpoint | null;
};

type ClaimRequest = { runnerId: string; jobId: string | null; tokenId: string | null; settle(row: ClaimRow | undefined, error?: Error): void };

/** One queue per database handle: requests wait here while that handle's batch runs. */
const queues = new WeakMap<object, { waiting: ClaimRequest[]; running: boolean }>();

/**
 * Claims the oldest matching Ready job (one the runner still holds first), or `jobId` if
 * given; null when there is none (or another runner took it first). With `tokenId` (a
 * runner socket, authenticated when it opened), the claim also requires that token to be
 * neither revoked nor expired.
 */
export async function claimJob(db: DbOrTx, runnerId: string, options: { jobId?: string; tokenId?: string } = {}): Promise<ClaimedJob | null> {
  const now = Date.now();
  const row = await new Promise<ClaimRow | undefined>((resolve, reject) =>
    enqueue(db, {
      runnerId,
      jobId: options.jobId ?? null,
      tokenId: options.tokenId ?? null,
      settle: (result, error) => (error ? reject(error) : resolve(result)),
    }),
  );
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
      checkpoint: row.job_checkpoint,
    };
  }
  if (options.jobId !== undefined) await explainRefusedClaim(db, runnerId, options.jobId);
  return null;
}

function enqueue(db: DbOrTx, request: ClaimRequest): void {
  let queue = queues.get(db);
  if (!queue) {
    queue = { waiting: [], running: false };
    queues.set(db, queue);
  }
  queue.waiting.push(request);
  if (!queue.running) void runBatches(db, queue);
}

async function runBatches(db: DbOrTx, queue: { waiting: ClaimRequest[]; running: boolean }): Promise<void> {
  queue.running = true;
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, maxBatch);
      try {
        const { rows } = await db.execute<ClaimRow>(sql`
          SELECT * FROM spedy_claim_jobs(
            ${sql.param(batch.map((r) => r.runnerId))}::text[], ${sql.param(batch.map((r) => r.jobId))}::text[],
            ${sql.param(batch.map((r) => r.tokenId))}::text[], ${Date.now()}, ${slotStatusesParam()})`);
        const byRequest = new Map(rows.map((row) => [row.request, row]));
        for (const [i, request] of batch.entries()) request.settle(byRequest.get(i + 1));
      } catch (error) {
        for (const request of batch) request.settle(undefined, toError(error));
      }
    }
  } finally {
    queue.running = false;
  }
}

/** A claim of one named job that took nothing: say why, unless another runner simply got there first. */
async function explainRefusedClaim(db: DbOrTx, runnerId: string, jobId: string): Promise<void> {
  const { rows } = await db.execute<{
    name: string;
    pool_size: number;
    status: string | null;
    holder: string | null;
    lacks: string[] | null;
    active: number;
    free_slots: number;
  }>(sql`
    SELECT r.name, r.pool_size, j.status, h.name AS holder, ${runnerLacks('r', 'j')} AS lacks, ${runnerActiveJobs('r')} AS active, ${runnerFreeSlots('r')} AS free_slots
    FROM runner r LEFT JOIN job j ON j.id = ${jobId} AND j.organization_id = r.organization_id
    LEFT JOIN runner h ON h.id = j.runner_id AND h.id <> r.id
    WHERE r.id = ${runnerId}`);
  const row = rows[0];
  if (!row?.status) throw new SpedyError('notFound', 'No such job in this organization.');
  if (row.status !== 'ready') return;
  if (row.holder) throw new SpedyError('conflict', `This job waits for runner ${row.holder}, which holds its folder; only that runner can take it.`);
  const missing = row.lacks ?? [];
  if (missing.length > 0) throw new SpedyError('conflict', `Runner ${row.name} cannot take this job: it lacks ${missing.join(', ')}.`);
  if (row.free_slots === 0) {
    throw new SpedyError('conflict', `Runner ${row.name} is at capacity (${row.active} of ${row.pool_size} jobs active); finish one first.`);
  }
}
