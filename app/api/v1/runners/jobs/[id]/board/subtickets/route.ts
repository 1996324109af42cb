import { getDb } from '@/lib/db/client';
import { createRunnerSubticket } from '@/lib/board-tools/subticket';
import { boardSubticketRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/board/subtickets — the agent's create_subticket under the job's ticket.
export const POST = withRunner(boardSubticketRequest, async ({ runner, body, params }) =>
  createRunnerSubticket(getDb(), runner, params.id, { title: body.title, description: body.description, type: body.type }),
);
