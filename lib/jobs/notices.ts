// Job offers and runner control travel through PostgreSQL LISTEN/NOTIFY, never through
// one instance's memory: a runner's socket may be open on instance X while its job was
// created through instance Y. NOTIFY is delivered on commit, so notices sent inside a
// transaction only go out if it commits.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { controlActions } from '@spedy/protocol/wire';
import type { DbOrTx } from './db.ts';

/** A job became Ready (created, released by its runner, or continued). */
export const jobsChannel = 'spedy_jobs';
/** Something addressed to one runner (or to the sockets of one token). */
export const runnerControlChannel = 'spedy_runner_control';

export const jobReadyNotice = z.object({ jobId: z.string(), organizationId: z.string() });
export type JobReadyNotice = z.infer<typeof jobReadyNotice>;

export const runnerNotice = z.discriminatedUnion('kind', [
  /** Forward to the runner's socket as a `control` message. */
  z.object({
    kind: z.literal('control'),
    runnerId: z.string(),
    jobId: z.string(),
    action: z.enum(controlActions),
    text: z.string().optional(),
  }),
  /** The runner may take more work (a job of its finished, or it came back online): offer waiting jobs. */
  z.object({ kind: z.literal('capacity'), runnerId: z.string() }),
  /**
   * A person changed what the board tools show for the job's ticket: the runner drops its
   * cached context. Sent by the database itself (migration 0015_ticket_context_notice) on
   * every write to the ticket, its description or its comments, whoever made it.
   */
  z.object({ kind: z.literal('ticket-changed'), runnerId: z.string(), jobId: z.string() }),
  /** Close every socket opened with this token. */
  z.object({ kind: z.literal('token-revoked'), tokenId: z.string() }),
]);
export type RunnerNotice = z.infer<typeof runnerNotice>;

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const maxNoticeBytes = 7900;

async function notify(db: DbOrTx, channel: string, payload: unknown): Promise<void> {
  const text = JSON.stringify(payload);
  if (Buffer.byteLength(text) > maxNoticeBytes) throw new Error(`A ${channel} notice of ${Buffer.byteLength(text)} bytes is too large.`);
  await db.execute(sql`SELECT pg_notify(${channel}, ${text})`);
}

export function notifyJobReady(db: DbOrTx, notice: JobReadyNotice): Promise<void> {
  return notify(db, jobsChannel, notice);
}

export function notifyRunner(db: DbOrTx, notice: RunnerNotice): Promise<void> {
  return notify(db, runnerControlChannel, notice);
}
