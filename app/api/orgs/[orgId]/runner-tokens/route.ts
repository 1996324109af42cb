// POST /api/orgs/[orgId]/runner-tokens — create a runner token. The plain token is in this
// response only (PostgreSQL keeps its hash); revoking is the runnerToken.revoke mutator.
import { z } from 'zod';
import { withSession } from '@/lib/auth/with-session';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { issueRunnerToken } from '@/lib/runners/tokens';
import { runnerApiVersion } from '@spedy/protocol/wire';
import { runnerTokenHashKey } from '@/lib/secrets/keyring';

const createRunnerTokenInput = z.object({
  name: z.string({ message: 'Name the token.' }).trim().min(1, 'Name the token, e.g. "My Dev Runner".').max(100, 'Token names are at most 100 characters.'),
  /** Milliseconds since the epoch; the browser sends the end of the chosen day in its own time zone. */
  expiresAt: z
    .number({ message: 'The expiry is a point in time (milliseconds).' })
    .int()
    .refine((at) => at > Date.now(), 'The expiry date must be in the future.')
    .refine((at) => at < Date.now() + 5 * 366 * 86_400_000, 'Tokens expire within five years at most.')
    .nullish(),
  /** Scope the token to this runner: it may then only act as that runner. */
  runnerId: z.string().trim().min(1).max(100).nullish(),
});

export const POST = withSession({ permission: 'runners:manage', body: createRunnerTokenInput }, async ({ orgId, userId, body }) => {
  const issued = await issueRunnerToken(getDb(), runnerTokenHashKey(), {
    orgId,
    name: body.name,
    expiresAt: body.expiresAt ?? undefined,
    runnerId: body.runnerId ?? undefined,
    createdBy: userId,
  });
  return { ...issued, apiUrl: `${getConfig().SPEDY_PUBLIC_URL.replace(/\/+$/, '')}/api/${runnerApiVersion}` };
});
