// Who a runner's writes are attributed to. Comments and tickets need a user as author;
// a runner is not one. They are written in the name of the person who started the job
// (the one who moved the ticket or mentioned the team), or, when there is none or they
// left the organization, its earliest owner; comments carry the runner marker so nobody
// mistakes them for that person's own words.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../jobs/db.ts';
import { SpedyError } from '@spedy/protocol/errors';
import type { BoardJob } from './job.ts';

/** The first line of every comment a runner posts (on its own line so Markdown below it renders as written). */
export const runnerCommentMarker = '[runner]';

export function runnerCommentBody(body: string): string {
  return `${runnerCommentMarker}\n\n${body.trim()}`;
}

export async function actingUserFor(tx: DbOrTx, job: BoardJob): Promise<string> {
  const { rows } = await tx.execute<{ user_id: string }>(sql`
    SELECT user_id FROM member
    WHERE organization_id = ${job.organizationId}
      AND (user_id = ${job.createdBy} OR role = 'owner')
    ORDER BY (user_id = ${job.createdBy}) DESC NULLS LAST, created_at, id
    LIMIT 1`);
  if (!rows[0]) throw new SpedyError('conflict', 'The organization has no owner to write in the name of; add an owner under Settings → Members.');
  return rows[0].user_id;
}
