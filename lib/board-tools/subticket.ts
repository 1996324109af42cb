// create_subticket: a child of the job's ticket in the project's first status column, with
// the next display number, in the acting user's name (author.ts). Like a ticket created on
// the board, it may trigger the project's team if that first column is its working status;
// under an Epic whose run is active it does not (lib/epics/membership.ts), and the answer says
// that the ticket joins the run on Continue.
import { eq } from 'drizzle-orm';
import * as t from '../db/schema.ts';
import type { Db } from '../db/client.ts';
import { firstColumn } from '../tickets/column.ts';
import { activeEpicRunEpicOf } from '../epics/membership.ts';
import { subticketJoinsOnContinueNotice } from '../epics/membership-notice.ts';
import { createTicket } from '../tickets/create.ts';
import { defaultChildType } from '../tickets/hierarchy.ts';
import { actingUserFor } from './author.ts';
import { loadBoardJob, requireTicket } from './job.ts';

type Runner = { id: string; organizationId: string };
export type SubticketInput = { title: string; description?: string; type?: 'story' | 'task' | 'bug' };

export async function createRunnerSubticket(db: Db, runner: Runner, jobId: string, input: SubticketInput) {
  return db.transaction(async (tx) => {
    const job = await loadBoardJob(tx, runner, jobId);
    const parentId = requireTicket(job);
    const [parent] = await tx.select().from(t.ticket).where(eq(t.ticket.id, parentId));
    const type = input.type ?? defaultChildType[parent.type];
    const column = await firstColumn(tx, parent.projectId);
    const creatorId = await actingUserFor(tx, job);
    const created = await createTicket(
      tx,
      { organizationId: job.organizationId, projectId: parent.projectId, statusId: column.id, title: input.title, type, creatorId, description: input.description, parentId: parent.id },
      { trigger: true, actorId: creatorId },
    );
    const ticket = { id: created.id, displayId: created.displayId, title: input.title.trim(), type, status: column.name };
    const epic = await activeEpicRunEpicOf(tx, created.id);
    return epic ? { ticket, epicRunNotice: subticketJoinsOnContinueNotice(epic) } : { ticket };
  });
}
