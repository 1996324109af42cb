import { getDb } from '@/lib/db/client';
import { jobMcpCredentialsQuery } from '@spedy/protocol/wire';
import { resolveRunner } from '@/lib/runners/authenticate';
import { parseRunnerJson } from '@/lib/runners/request-body';
import { getKeyring } from '@/lib/secrets/keyring';
import { openJobMcpCredentials } from '@/lib/secrets/mcp-credentials';
import { withRunnerToken } from '../../../with-runner-token';

export const dynamic = 'force-dynamic';

// GET /api/v1/runners/jobs/:id/mcp-credentials?runnerId=… — the credentials of the MCP servers
// the job's stages use, decrypted, for the runner holding the job (memory only on the runner).
export const GET = withRunnerToken(async ({ req, auth, params }) => {
  const query = parseRunnerJson(jobMcpCredentialsQuery, JSON.stringify(Object.fromEntries(new URL(req.url).searchParams)), 'The query');
  const runner = await resolveRunner(getDb(), auth, query.runnerId);
  return openJobMcpCredentials(getDb(), getKeyring(), runner, params.id);
});
