// Server halves of the epic run mutators: after the shared checks, lib/epics does the work in
// the same transaction (its jobs' offers and its next step go out on commit).
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { cancelEpicRun, continueEpicRun, restartEpicRunBy, retryEpicTicket, setEpicRunBudget, skipEpicTicket } from '../../lib/epics/controls.ts';
import { startEpicRun, teamForEpic } from '../../lib/epics/start.ts';
import type { DbOrTx } from '../../lib/jobs/db.ts';
import { zql } from '../schema.gen.ts';
import { epicRunArgs, epicRunBudgetArgs, epicRunMutators, epicRunTicketArgs, setEpicTeamArgs } from './epic-run.ts';

type Actor = { organizationId: string; runId: string; userId: string };

/** The database and the caller on the server (null in the browser), for the run the shared half let through. */
async function serverSide(tx: Transaction, runID: string, userID: string): Promise<{ db: DbOrTx; actor: Actor } | null> {
  if (tx.location !== 'server') return null;
  const run = await tx.run(zql.epicRun.where('id', runID).one());
  return run ? { db: tx.dbTransaction.wrappedTransaction as DbOrTx, actor: { organizationId: run.organizationId, runId: run.id, userId: userID } } : null;
}

export const epicRunServerMutators = {
  setTeam: defineMutator(setEpicTeamArgs, async (options) => {
    await epicRunMutators.setTeam.fn(options);
    const { tx, args, ctx } = options;
    if (tx.location !== 'server' || !args.teamID) return;
    const db = tx.dbTransaction.wrappedTransaction as DbOrTx;
    const ticket = await tx.run(zql.ticket.where('id', args.ticketID).one());
    if (!ticket) return;
    const team = await teamForEpic(db, { projectId: ticket.projectId, runnerTeamId: args.teamID });
    await startEpicRun(db, { epicTicketId: ticket.id, team, actorId: ctx.userID, moveIntoWorking: true });
  }),
  retry: defineMutator(epicRunTicketArgs, async (options) => {
    await epicRunMutators.retry.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await retryEpicTicket(s.db, { ...s.actor, ticketId: options.args.ticketID });
  }),
  skip: defineMutator(epicRunTicketArgs, async (options) => {
    await epicRunMutators.skip.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await skipEpicTicket(s.db, { ...s.actor, ticketId: options.args.ticketID });
  }),
  cancel: defineMutator(epicRunArgs, async (options) => {
    await epicRunMutators.cancel.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await cancelEpicRun(s.db, s.actor);
  }),
  continue: defineMutator(epicRunArgs, async (options) => {
    await epicRunMutators.continue.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await continueEpicRun(s.db, s.actor);
  }),
  restart: defineMutator(epicRunArgs, async (options) => {
    await epicRunMutators.restart.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await restartEpicRunBy(s.db, s.actor);
  }),
  setBudget: defineMutator(epicRunBudgetArgs, async (options) => {
    await epicRunMutators.setBudget.fn(options);
    const s = await serverSide(options.tx, options.args.runID, options.ctx.userID);
    if (s) await setEpicRunBudget(s.db, { ...s.actor, budgetUsd: options.args.budgetUsd });
  }),
};
