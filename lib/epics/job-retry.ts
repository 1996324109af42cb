// A person pressed Retry on the page of a job of an epic run (lib/jobs/retry.ts). The run tracks
// its jobs, so the retry is the run's own control for that job, never a job the run would not
// know: a sub-run's ticket goes through the run's Retry (its node gets the new sub-run and the
// run goes on), a failed closing job through Continue. A failed reset is retried by Restart,
// which runs every ticket again and is confirmed in the panel, so it is refused here.
import { and, eq } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import type { EpicRunPart } from '@spedy/protocol/wire';
import * as t from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { formatDisplayId } from '../tickets/display-id.ts';
import { continueEpicRun, retryEpicTicket } from './controls.ts';
import { lockEpicRun } from './start.ts';

export type EpicJobRetry = { organizationId: string; jobId: string; ticketId: string | null; epic: EpicRunPart; fromCheckpoint: boolean; userId: string | null };

const inPanel = 'in the Epic Run Panel';

export async function retryEpicRunJob(tx: DbOrTx, input: EpicJobRetry): Promise<void> {
  const run = await lockEpicRun(tx, { runId: input.epic.runId });
  if (!run || run.organizationId !== input.organizationId) throw new SpedyError('notFound', 'Job not found.');
  if (!input.userId) throw new SpedyError('invalid', `A job of an epic run is retried by a person, ${inPanel}.`);
  const actor = { organizationId: run.organizationId, runId: run.id, userId: input.userId };
  if (input.fromCheckpoint) throw new SpedyError('invalid', 'A job of an epic run runs again from its start: use Retry.');
  if (input.epic.role === 'reset') {
    throw new SpedyError('invalid', `The epic branch’s reset is retried by Restart ${inPanel} (it runs every ticket of the Epic again).`);
  }
  if (input.epic.role === 'closing') {
    if (run.closingJobId !== input.jobId || run.status !== 'failed') throw new SpedyError('invalid', `This delivery is not the run’s latest: steer the run ${inPanel}.`);
    return continueEpicRun(tx, actor);
  }
  const [node] = input.ticketId ? await tx.select().from(t.epicRunNode).where(and(eq(t.epicRunNode.runId, run.id), eq(t.epicRunNode.ticketId, input.ticketId))) : [];
  if (!node) throw new SpedyError('invalid', `${await ticketName(tx, input.ticketId)} is no longer part of the epic run: steer the run ${inPanel}.`);
  if (node.jobId !== input.jobId) throw new SpedyError('invalid', `${await ticketName(tx, input.ticketId)} has a newer sub-run than this one: steer it ${inPanel}.`);
  await retryEpicTicket(tx, { ...actor, ticketId: node.ticketId });
}

async function ticketName(tx: DbOrTx, ticketId: string | null): Promise<string> {
  const [row] = ticketId
    ? await tx.select({ number: t.ticket.number, key: t.project.key }).from(t.ticket).innerJoin(t.project, eq(t.project.id, t.ticket.projectId)).where(eq(t.ticket.id, ticketId))
    : [];
  return row ? formatDisplayId(row.key, row.number) : 'This ticket';
}
