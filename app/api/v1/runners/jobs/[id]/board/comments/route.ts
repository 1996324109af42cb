import { getDb } from '@/lib/db/client';
import { addRunnerComment } from '@/lib/board-tools/comment';
import { boardCommentRequest } from '@spedy/protocol/wire';
import { withRunner } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// POST /api/v1/runners/jobs/:id/board/comments — the agent's add_comment on the job's ticket (marked as the runner's).
export const POST = withRunner(boardCommentRequest, async ({ runner, body, params }) => addRunnerComment(getDb(), runner, params.id, body.body));
