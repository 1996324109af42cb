// How a finished job shows on its ticket: completed → the team's completion status;
// failed or error → the team's failure status with the AI Failed badge. A Board Interaction
// that completed answered on the ticket (a comment, no pull request), so the ticket stays
// where its people put it.
import { and, eq, sql } from 'drizzle-orm';
import { projectStatus, ticket } from '../db/schema.ts';
import { moveTicket } from '../tickets/move.ts';
import type { DbOrTx } from './db.ts';
import type { JobSnapshot } from '@spedy/protocol/wire';
import type { JobStatus } from '@spedy/protocol/job-status';

export async function applyJobOutcomeToTicket(
  tx: DbOrTx,
  job: { type: string; ticketId: string | null; projectId: string | null; snapshot: JobSnapshot | null },
  status: JobStatus,
): Promise<void> {
  const team = job.snapshot?.team;
  if (!job.ticketId || !job.projectId || !team) return;
  if (status === 'completed' && job.type === 'board_interaction') return;
  const target = status === 'completed' ? team.completionStatus : status === 'failed' || status === 'error' ? team.failureStatus : null;
  if (!target) return;
  const [column] = await tx
    .select({ id: projectStatus.id })
    .from(projectStatus)
    .where(and(eq(projectStatus.projectId, job.projectId), eq(projectStatus.name, target)));
  if (column) {
    // The ticket keeps its rank key: the outcome changes its column, not the order people gave it.
    const [current] = await tx.select({ rank: ticket.rank }).from(ticket).where(eq(ticket.id, job.ticketId));
    // A job's own outcome never triggers: a failure status that is the working status would loop.
    if (current) await moveTicket(tx, { ticketId: job.ticketId, statusId: column.id, rank: current.rank }, { trigger: false });
  }
  await tx
    .update(ticket)
    .set({ aiFailed: status !== 'completed', updatedAt: sql`(extract(epoch from now()) * 1000)` })
    .where(eq(ticket.id, job.ticketId));
}
