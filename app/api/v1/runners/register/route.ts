import { getDb } from '@/lib/db/client';
import { registerRequest } from '@spedy/protocol/wire';
import { registerRunner } from '@/lib/runners/presence';
import { withRunnerToken } from '../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/register — upserts the runner by (organization, name) and marks it Online.
export const POST = withRunnerToken(async ({ auth, body }) => registerRunner(getDb(), auth, body), { body: registerRequest });
