// Runner authentication: `Authorization: Bearer rnt_…`, looked up by its keyed hash on
// every request (no cache, so a revoked or expired token is refused on the very next
// one). Failed attempts are counted per client address and minute in PostgreSQL, so
// every platform instance shares one limit.
import { sql } from 'drizzle-orm';
import { runner as runnerTable } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { runnerTokenPattern } from '@spedy/protocol/wire';
import { hashesEqual, hashRunnerToken } from './token.ts';

/**
 * The client's address as the custom server saw it (server/main.ts overwrites whatever a
 * client sent under this name), used to count failed authentications.
 */
export const clientAddressHeader = 'x-spedy-client-address';

/** Who is asking: a token of one organization, maybe scoped to one runner. */
export type RunnerAuth = { tokenId: string; organizationId: string; scopedRunnerId: string | null };
export type RunnerRow = typeof runnerTable.$inferSelect;

/** Failed authentications one address may make per minute before it is refused outright. */
export const authFailureLimit = 20;
const windowMs = 60_000;
/** last_used_at is a "when was this token last seen" hint, written at most this often. */
const lastUsedResolutionMs = 60_000;

type TokenRow = {
  failures: number | null;
  id: string | null;
  organization_id: string | null;
  runner_id: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  hash: string | null;
};

function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : null;
}

/** `hashKey`: the platform's runner-token hash key (runnerTokenHashKey() in lib/secrets/keyring.ts). */
export async function authenticateRunnerToken(db: DbOrTx, hashKey: string, input: { authorization: string | null; address: string }): Promise<RunnerAuth> {
  const now = Date.now();
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const token = bearerToken(input.authorization);
  const wellFormed = token !== null && runnerTokenPattern.test(token);
  const hash = wellFormed ? hashRunnerToken(token, hashKey) : '';

  const { rows } = await db.execute<TokenRow>(sql`
    SELECT (SELECT count FROM secure.auth_failure WHERE address = ${input.address} AND window_start = ${windowStart}) AS failures,
           t.id, t.organization_id, t.runner_id, t.expires_at, t.revoked_at, t.last_used_at, h.hash
    FROM (SELECT 1) AS one
    LEFT JOIN secure.runner_token_hash h ON h.hash = ${hash} AND ${wellFormed}
    LEFT JOIN runner_token t ON t.id = h.token_id`);
  const row = rows[0];

  if ((row.failures ?? 0) >= authFailureLimit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    throw new SpedyError('rateLimited', `Too many failed authentications from this address; try again in ${retryAfterSeconds} s.`, retryAfterSeconds);
  }

  const known = wellFormed && row.id && row.organization_id && row.hash && hashesEqual(row.hash, hash) ? { id: row.id, organizationId: row.organization_id } : null;
  const refusal =
    token === null
      ? 'Send the runner token as "Authorization: Bearer rnt_…".'
      : !wellFormed
        ? 'That is not a runner token: expected rnt_ followed by 64 hex characters.'
        : !known
          ? 'Unknown runner token. Create one under Settings → Runners.'
          : revokedOrExpired(row, now);
  if (refusal || !known) {
    await recordAuthFailure(db, input.address, windowStart);
    throw new SpedyError('unauthenticated', refusal ?? 'Unknown runner token.');
  }

  await touchToken(db, known.id, row.last_used_at, now);
  return { tokenId: known.id, organizationId: known.organizationId, scopedRunnerId: row.runner_id };
}

/**
 * For a socket that authenticated at upgrade: is its token still good? Runs before each
 * message, so revocation and expiry take effect on the next one.
 */
export async function recheckRunnerToken(db: DbOrTx, auth: RunnerAuth): Promise<void> {
  const now = Date.now();
  const { rows } = await db.execute<{ expires_at: number | null; revoked_at: number | null; last_used_at: number | null }>(
    sql`SELECT expires_at, revoked_at, last_used_at FROM runner_token WHERE id = ${auth.tokenId}`,
  );
  const refusal = revokedOrExpired(rows[0], now);
  if (refusal) throw new SpedyError('unauthenticated', refusal);
  await touchToken(db, auth.tokenId, rows[0].last_used_at, now);
}

/** Why a known token is refused (a missing row counts as revoked: tokens are deleted only with their organization). */
export function revokedOrExpired(row: { revoked_at: number | null; expires_at: number | null } | undefined, now: number): string | null {
  if (!row || row.revoked_at !== null) return 'This runner token was revoked. Create a new one under Settings → Runners.';
  if (row.expires_at !== null && row.expires_at <= now) {
    return `This runner token expired on ${new Date(row.expires_at).toISOString()}. Create a new one under Settings → Runners.`;
  }
  return null;
}

async function touchToken(db: DbOrTx, tokenId: string, lastUsedAt: number | null, now: number): Promise<void> {
  if (lastUsedAt !== null && now - lastUsedAt < lastUsedResolutionMs) return;
  // Conditional, so concurrent requests of one runner do not queue on the row.
  await db.execute(sql`
    UPDATE runner_token SET last_used_at = ${now}
    WHERE id = ${tokenId} AND (last_used_at IS NULL OR last_used_at < ${now - lastUsedResolutionMs})`);
}

async function recordAuthFailure(db: DbOrTx, address: string, windowStart: number): Promise<void> {
  await db.execute(sql`
    INSERT INTO secure.auth_failure (address, window_start, count) VALUES (${address}, ${windowStart}, 1)
    ON CONFLICT (address, window_start) DO UPDATE SET count = secure.auth_failure.count + 1`);
}

/** Windows older than a few minutes count for nothing; the heartbeat sweep deletes them. */
export async function pruneAuthFailures(db: DbOrTx, now = Date.now()): Promise<void> {
  await db.execute(sql`DELETE FROM secure.auth_failure WHERE window_start < ${now - 5 * windowMs}`);
}

/** A scoped token acts only as its runner. */
export function assertRunnerScope(auth: RunnerAuth, runnerId: string): void {
  if (auth.scopedRunnerId !== null && auth.scopedRunnerId !== runnerId) {
    throw new SpedyError('forbidden', 'This token is scoped to another runner; use the token created for this runner.');
  }
}

/** The runner a request acts as: in the token's organization, within its scope, and registered with this very token. */
export async function resolveRunner(db: DbOrTx, auth: RunnerAuth, runnerId: string): Promise<RunnerRow> {
  assertRunnerScope(auth, runnerId);
  const found = await db.query.runner.findFirst({
    where: (r, { and, eq }) => and(eq(r.id, runnerId), eq(r.organizationId, auth.organizationId)),
  });
  if (!found) throw new SpedyError('notFound', 'No such runner in this organization; register it first (POST /api/v1/runners/register).');
  // Another token of the organization must not claim, report for or read the secrets of this runner's jobs.
  if (found.tokenId !== auth.tokenId) {
    throw new SpedyError('forbidden', `Runner "${found.name}" registered with another token; a token acts only as the runner it registered. Register again with this token (the other one must be revoked or expired first) or use the runner's own token.`);
  }
  return found;
}
