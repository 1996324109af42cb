// Issuing and revoking runner tokens (Settings → Runners calls these too). The plain
// token is returned once and never stored: only its keyed hash, in schema `secure`.
import { and, eq, sql } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { runner, runnerToken, runnerTokenHash } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { notifyRunner } from '../jobs/notices.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { generateRunnerToken, hashRunnerToken } from './token.ts';

export type IssueRunnerTokenInput = {
  orgId: string;
  name: string;
  /** Milliseconds since the epoch; the token is refused from then on. */
  expiresAt?: number | null;
  /** Scope: the token may only act as this runner. */
  runnerId?: string | null;
  createdBy: string | null;
};

export type IssuedRunnerToken = { token: string; id: string; prefix: string };

/** `hashKey`: the platform's runner-token hash key (runnerTokenHashKey() in lib/secrets/keyring.ts). */
export async function issueRunnerToken(db: DbOrTx, hashKey: string, input: IssueRunnerTokenInput): Promise<IssuedRunnerToken> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw new SpedyError('invalid', 'Give the token a name of 1 to 100 characters.');
  const now = Date.now();
  if (input.expiresAt != null && !(Number.isFinite(input.expiresAt) && input.expiresAt > now)) {
    throw new SpedyError('invalid', 'The expiry date must be in the future (or leave it empty for a token that does not expire).');
  }
  const { token, prefix } = generateRunnerToken();
  const id = nanoid();
  await db.transaction(async (tx) => {
    if (input.runnerId) {
      const [scoped] = await tx
        .select({ id: runner.id })
        .from(runner)
        .where(and(eq(runner.id, input.runnerId), eq(runner.organizationId, input.orgId)));
      if (!scoped) throw new SpedyError('notFound', 'That runner does not exist in this organization; pick one from the list.');
    }
    await tx.insert(runnerToken).values({
      id,
      organizationId: input.orgId,
      name,
      prefix,
      runnerId: input.runnerId ?? null,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
      createdBy: input.createdBy,
      createdAt: now,
    });
    await tx.insert(runnerTokenHash).values({ tokenId: id, hash: hashRunnerToken(token, hashKey) });
  });
  return { token, id, prefix };
}

/**
 * Refused from the very next request: every request looks the token up afresh, and
 * sockets opened with it are closed as soon as the revocation commits.
 */
export async function revokeRunnerToken(db: DbOrTx, input: { orgId: string; tokenId: string }): Promise<{ revokedAt: number }> {
  const [row] = await db
    .update(runnerToken)
    .set({ revokedAt: sql`COALESCE(${runnerToken.revokedAt}, ${Date.now()})` })
    .where(and(eq(runnerToken.id, input.tokenId), eq(runnerToken.organizationId, input.orgId)))
    .returning({ revokedAt: runnerToken.revokedAt });
  if (!row?.revokedAt) throw new SpedyError('notFound', 'No such runner token in this organization.');
  await notifyRunner(db, { kind: 'token-revoked', tokenId: input.tokenId });
  return { revokedAt: row.revokedAt };
}
