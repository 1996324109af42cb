import { getDb } from '@/lib/db/client';
import { moveRunnerTicket } from '@/lib/board-tools/status';
import { boardStatusRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/board/status — the agent's update_status: moves the job's ticket to a column by name.
export const POST = withRunner(boardStatusRequest, async ({ runner, body, params }) => moveRunnerTicket(getDb(), runner, params.id, body.status));
