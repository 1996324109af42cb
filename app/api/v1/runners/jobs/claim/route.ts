import { getDb } from '@/lib/db/client';
import { claimJob } from '@/lib/jobs/claim';
import { claimRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/claim — claims the oldest matching Ready job (or `jobId`); `{ job: null }` when none.
export const POST = withRunner(claimRequest, async ({ runner, body }) => ({ job: await claimJob(getDb(), runner.id, { jobId: body.jobId }) }));
