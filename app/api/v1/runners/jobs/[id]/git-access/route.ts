import { getDb } from '@/lib/db/client';
import { jobGitAccessQuery } from '@spedy/protocol/wire';
import { resolveRunner } from '@/lib/runners/authenticate';
import { parseRunnerJson } from '@/lib/runners/request-body';
import { openJobGitAccess } from '@/lib/secrets/git-access';
import { getKeyring } from '@/lib/secrets/keyring';
import { withRunnerToken } from '../../../with-runner-token';

export const dynamic = 'force-dynamic';

// GET /api/v1/runners/jobs/:id/git-access?runnerId=… — fresh credentials for the hosts of the
// job's repositories (a GitHub App's installation token, never its key) and the repositories
// the runner cannot deliver to, for the runner holding the job (memory only on the runner).
export const GET = withRunnerToken(async ({ req, auth, params }) => {
  const query = parseRunnerJson(jobGitAccessQuery, JSON.stringify(Object.fromEntries(new URL(req.url).searchParams)), 'The query');
  const runner = await resolveRunner(getDb(), auth, query.runnerId);
  return openJobGitAccess(getDb(), getKeyring(), runner, params.id);
});
