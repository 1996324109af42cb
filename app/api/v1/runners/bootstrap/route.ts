import { getDb } from '@/lib/db/client';
import { buildBootstrapBundle } from '@/lib/secrets/bootstrap';
import { getKeyring } from '@/lib/secrets/keyring';
import { withRunnerToken } from '../with-runner-token';

export const dynamic = 'force-dynamic';

// GET /api/v1/runners/bootstrap — the organization's vault entries and active git tokens, decrypted.
// With a job's MCP credentials (jobs/:id/mcp-credentials), the only response carrying plain secret
// values; the supervisor keeps them in memory.
export const GET = withRunnerToken(async ({ auth }) => buildBootstrapBundle(getDb(), getKeyring(), auth.organizationId));
