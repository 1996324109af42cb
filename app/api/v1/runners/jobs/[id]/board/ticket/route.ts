import { getDb } from '@/lib/db/client';
import { getRunnerTicket } from '@/lib/board-tools/ticket';
import { boardTicketQuery } from '@spedy/protocol/wire';
import { resolveRunner } from '@/lib/runners/authenticate';
import { parseRunnerJson } from '@/lib/runners/request-body';
import { withRunnerToken } from '../../../../with-runner-token';

export const dynamic = 'force-dynamic';

// GET /api/v1/runners/jobs/:id/board/ticket?runnerId=…[&displayId=SPD-12] — the job's ticket with comments, for the agent's get_ticket.
export const GET = withRunnerToken(async ({ req, auth, params }) => {
  const query = parseRunnerJson(boardTicketQuery, JSON.stringify(Object.fromEntries(new URL(req.url).searchParams)), 'The query');
  const runner = await resolveRunner(getDb(), auth, query.runnerId);
  return getRunnerTicket(getDb(), runner, params.id, query.displayId || undefined);
});
