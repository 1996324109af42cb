// GET /api/orgs/[orgId]/jobs/[jobId]/snapshot — the job's snapshot for its page (any member,
// like the job itself). Never replicated through Zero; only its budget changes after creation (an override, lib/jobs/budget.ts).
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { readJobSnapshot } from '@/lib/jobs/snapshot';

export const GET = withSession<{ orgId: string; jobId: string }>({}, async ({ orgId, params }) => ({
  snapshot: await readJobSnapshot(getDb(), orgId, params.jobId),
}));
