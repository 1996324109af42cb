// add_comment: a comment on the job's ticket, marked as the runner's, in the name of the
// acting user (author.ts). Mentions are stored like the board stores them (handle ids),
// but a runner's comment triggers no jobs: an agent mentioning a team must not start
// another agent (or itself) in a loop.
import type { Db } from '../db/client.ts';
import { addComment } from '../tickets/comment.ts';
import { actingUserFor, runnerCommentBody } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };

export async function addRunnerComment(db: Db, runner: Runner, jobId: string, body: string): Promise<{ comment: { id: string; ticketId: string } }> {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const ticketId = requireTicket(job);
    const authorId = await actingUserFor(tx, job);
    const { id } = await addComment(tx, { organizationId: job.organizationId, ticketId, authorId, body: runnerCommentBody(body) }, { trigger: false });
    return { comment: { id, ticketId } };
  });
}
