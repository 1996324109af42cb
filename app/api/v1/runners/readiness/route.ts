import { getDb } from '@/lib/db/client';
import { runnerReadiness } from '@/lib/runners/readiness';
import { withRunnerToken } from '../with-runner-token';

export const dynamic = 'force-dynamic';

// GET /api/v1/runners/readiness — setup.sh's check: the token is valid, and whether the vault holds ANTHROPIC_API_KEY (by name, no values).
export const GET = withRunnerToken(async ({ auth }) => runnerReadiness(getDb(), auth.organizationId));
