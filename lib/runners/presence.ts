// A runner's presence: registration (upsert by organization and name; a name held by another
// token that is still valid is refused) and heartbeats.
// A runner that was Offline comes back Online with its next heartbeat. A draining supervisor
// says so in its heartbeats (runner.draining_since), and its next registration clears that.
import { eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { runnerSettings } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { ackControls, pendingControls } from '../jobs/control.ts';
import { notifyRunner } from '../jobs/notices.ts';
import type { HeartbeatResponse, RegisterRequest } from '@spedy/protocol/wire';
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import type { JobStatus } from '@spedy/protocol/job-status';
import type { RunnerAuth, RunnerRow } from './authenticate.ts';
import { defaultRunnerSettings } from '../settings/runner-settings.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { handBackRunnerJobs } from './hand-back.ts';

/** Without an organization setting, a runner is Offline after this long without a heartbeat. */
export const defaultOfflineTimeoutSeconds = defaultRunnerSettings.offlineTimeoutSeconds;

export async function offlineTimeoutSeconds(db: DbOrTx, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ seconds: runnerSettings.offlineTimeoutSeconds })
    .from(runnerSettings)
    .where(eq(runnerSettings.organizationId, organizationId));
  return row?.seconds ?? defaultOfflineTimeoutSeconds;
}

/** Three heartbeats fit in the offline timeout, and one comes at least every 30 s. */
export function heartbeatIntervalSeconds(timeoutSeconds: number): number {
  return Math.max(1, Math.min(30, Math.floor(timeoutSeconds / 3)));
}

export type Registration = { runnerId: string; heartbeatIntervalSeconds: number; offlineTimeoutSeconds: number };

export async function registerRunner(db: DbOrTx, auth: RunnerAuth, input: RegisterRequest): Promise<Registration> {
  const now = Date.now();
  const capabilities = JSON.stringify([...new Set(input.capabilities)]);
  const labels = JSON.stringify([...new Set(input.labels)]);
  // A (re)started supervisor reports its image afresh; one that does not report it clears the old word.
  const image = input.image ? JSON.stringify(input.image) : null;
  const aiBackend = input.aiBackend ?? null;
  const runnerId = await db.transaction(async (tx) => {
    let id: string | undefined;
    if (auth.scopedRunnerId !== null) {
      // A scoped token only re-registers its own runner, under that runner's name; a person
      // made it for that runner, so it may take the runner over from the runner's earlier token.
      const { rows } = await tx.execute<{ id: string }>(sql`
        UPDATE runner SET version = ${input.version}, capabilities = ${capabilities}::jsonb, labels = ${labels}::jsonb,
               pool_size = ${input.poolSize}, token_id = ${auth.tokenId}, status = 'online', last_heartbeat_at = ${now},
               ai_backend = ${aiBackend},
               image_status = ${image}::jsonb
        WHERE id = ${auth.scopedRunnerId} AND organization_id = ${auth.organizationId} AND name = ${input.name}
        RETURNING id`);
      id = rows[0]?.id;
      if (!id) throw new SpedyError('forbidden', `This token is scoped to another runner and cannot register "${input.name}"; use that runner's name or an unscoped token.`);
    } else {
      const { rows } = await tx.execute<{ id: string }>(sql`
        INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at, image_status, ai_backend)
        VALUES (${nanoid()}, ${auth.organizationId}, ${input.name}, ${input.version}, ${capabilities}::jsonb, ${labels}::jsonb,
                ${input.poolSize}, ${auth.tokenId}, 'online', ${now}, ${now}, ${image}::jsonb, ${aiBackend})
        ON CONFLICT (organization_id, name) DO UPDATE SET
          version = EXCLUDED.version, capabilities = EXCLUDED.capabilities, labels = EXCLUDED.labels,
          pool_size = EXCLUDED.pool_size, token_id = EXCLUDED.token_id, status = 'online', last_heartbeat_at = EXCLUDED.last_heartbeat_at,
          image_status = EXCLUDED.image_status, ai_backend = EXCLUDED.ai_backend
        WHERE runner.token_id = EXCLUDED.token_id OR NOT EXISTS (
          SELECT 1 FROM runner_token t
          WHERE t.id = runner.token_id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now}))
        RETURNING id`);
      id = rows[0]?.id;
      // The name belongs to a runner whose token is still good: taking it over would let this token act as that runner.
      if (!id) {
        throw new SpedyError(
          'conflict',
          `A runner named "${input.name}" is registered with another token that is still valid. Revoke that token under Settings → Runners to move the runner to this one, or register under another name.`,
        );
      }
    }
    // Back from draining: the jobs its drain did not hand back before it exited were cut off (this
    // supervisor holds none of them); they are handed back now, and it may claim them again.
    const { rows: drained } = await tx.execute<{ name: string }>(sql`
      UPDATE runner SET draining_since = NULL WHERE id = ${id} AND draining_since IS NOT NULL RETURNING name`);
    if (drained[0]) await handBackRunnerJobs(tx, { id, name: drained[0].name }, now);
    // Capabilities, labels or pool size may have grown: offer what waits (if its socket is open).
    await notifyRunner(tx, { kind: 'capacity', runnerId: id });
    return id;
  });
  const timeout = await offlineTimeoutSeconds(db, auth.organizationId);
  return { runnerId, heartbeatIntervalSeconds: heartbeatIntervalSeconds(timeout), offlineTimeoutSeconds: timeout };
}

export type Heartbeat = HeartbeatResponse & { cameBackOnline: boolean };

/**
 * Marks the runner Online as of now and answers with the platform's status of the jobs
 * it reported (those it holds; others are left out) and the controls it has not
 * acknowledged (after taking the acknowledgements it sent).
 */
export async function recordHeartbeat(
  db: DbOrTx,
  runner: Pick<RunnerRow, 'id'>,
  activeJobIds: string[],
  report: { ackedControlIds?: string[]; image?: RunnerImageStatus; draining?: boolean } = {},
): Promise<Heartbeat> {
  const now = Date.now();
  const { ackedControlIds = [], image, draining = false } = report;
  // A heartbeat without it (an older supervisor, or the folder sweep's status check) keeps the last word.
  const imageStatus = image ? JSON.stringify(image) : null;
  return db.transaction(async (tx) => {
    // Draining is cleared only by the next registration (a supervisor that drains does not come back otherwise).
    const { rows } = await tx.execute<{ previous: string }>(sql`
      UPDATE runner r SET status = 'online', last_heartbeat_at = ${now},
             draining_since = CASE WHEN ${draining}::boolean THEN COALESCE(r.draining_since, ${now}) ELSE r.draining_since END,
             image_status = CASE WHEN ${imageStatus}::jsonb IS NULL THEN r.image_status ELSE ${imageStatus}::jsonb END
      FROM runner old WHERE old.id = r.id AND r.id = ${runner.id}
      RETURNING old.status AS previous`);
    if (!rows[0]) throw new SpedyError('notFound', 'No such runner in this organization; register it first (POST /api/v1/runners/register).');
    const cameBackOnline = rows[0].previous !== 'online';
    if (cameBackOnline) await notifyRunner(tx, { kind: 'capacity', runnerId: runner.id });
    const jobs =
      activeJobIds.length === 0
        ? []
        : (
            await tx.execute<{ id: string; status: JobStatus }>(
              sql`SELECT id, status FROM job WHERE id = ANY(${sql.param(activeJobIds)}::text[]) AND runner_id = ${runner.id}`,
            )
          ).rows;
    await ackControls(tx, runner.id, ackedControlIds);
    const controls = await pendingControls(tx, runner.id);
    return { status: 'online' as const, jobs, ...(controls.length > 0 ? { controls } : {}), cameBackOnline };
  });
}
