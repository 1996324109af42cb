// The jobs of an epic run (protocol/src/wire.ts epicRunPart): the reset of the epic branch, one
// sub-run per ticket and the closing delivery. The supervisor does the git; these carry what it
// needs. Created Ready like any job: runners claim them within their capacity.
import type { EpicRunPart } from '@spedy/protocol/wire';
import { SpedyError } from '@spedy/protocol/errors';
import { createJob, type JobRow } from '../jobs/create.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { snapshotFor, ticketContext, type Team } from '../jobs/triggers.ts';
import { formatDisplayId } from '../tickets/display-id.ts';

export type EpicRunRef = { id: string; organizationId: string; projectId: string; epicTicketId: string; branch: string; createdBy: string | null };

async function epicJob(tx: DbOrTx, run: EpicRunRef, team: Team, ticketId: string, role: EpicRunPart['role']): Promise<JobRow> {
  const context = await ticketContext(tx, ticketId);
  if (!context) throw new SpedyError('notFound', 'A ticket of the epic run no longer exists.');
  const snapshot = await snapshotFor(tx, team, context, { kind: 'status' });
  const epic: EpicRunPart = { runId: run.id, epicTicketId: run.epicTicketId, branch: run.branch, role };
  const displayId = formatDisplayId(context.projectKey, context.ticket.number);
  return createJob(tx, {
    organizationId: run.organizationId,
    type: 'streaming',
    title: role === 'sub-run' ? `${displayId} ${context.ticket.title}` : `${displayId} ${role === 'reset' ? 'Reset' : 'Deliver'} ${run.branch}`,
    // Reset and closing run no agent stage.
    snapshot: { ...snapshot, epic, ...(role === 'sub-run' ? {} : { pipeline: { steps: [] } }) },
    requiredCapabilities: team.requiredCapabilities,
    requiredLabels: team.requiredLabels,
    projectId: run.projectId,
    // The reset belongs to no ticket: its outcome must not move the Epic.
    ticketId: role === 'reset' ? null : ticketId,
    teamId: team.id,
    createdBy: run.createdBy,
  });
}

export const createResetJob = (tx: DbOrTx, run: EpicRunRef, team: Team) => epicJob(tx, run, team, run.epicTicketId, 'reset');
export const createSubRunJob = (tx: DbOrTx, run: EpicRunRef, team: Team, ticketId: string) => epicJob(tx, run, team, ticketId, 'sub-run');
export const createClosingJob = (tx: DbOrTx, run: EpicRunRef, team: Team) => epicJob(tx, run, team, run.epicTicketId, 'closing');
