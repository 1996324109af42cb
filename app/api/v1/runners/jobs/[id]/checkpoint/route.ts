import { getDb } from '@/lib/db/client';
import { saveJobCheckpoint } from '@/lib/jobs/checkpoint';
import { checkpointRequest } from '@spedy/protocol/checkpoint';
import { withRunner } from '../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/checkpoint — the runner holding the job records its checkpoint after a finished step.
export const POST = withRunner(checkpointRequest, async ({ runner, body, params }) => saveJobCheckpoint(getDb(), runner, params.id, body.checkpoint));
