import { getDb } from '@/lib/db/client';
import { reportJobStatus } from '@/lib/jobs/transition';
import { statusRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/status — moves the runner's job through the status machine (409 if not allowed).
export const POST = withRunner(statusRequest, async ({ runner, body, params }) =>
  reportJobStatus(getDb(), runner, params.id, { status: body.status, reason: body.reason, result: body.result }),
);
