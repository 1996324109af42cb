// An Epic's "Runner team" field and the controls of its run (lib/epics). Steering a run is the
// `jobs:steer` permission, like steering a job. The shared halves check; the server halves
// (epic-run-server.ts) do the work in lib/epics, in the same transaction.
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn, type ZeroContext } from '../../lib/auth/context.ts';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { isActiveEpicRun } from '../../lib/epics/status.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';
import { loadTicket } from './load.ts';
import { rolePolicyOf } from './steering.ts';

export const setEpicTeamArgs = z.object({ ticketID: idArg, teamID: idArg.nullable() });
export const epicRunArgs = z.object({ runID: idArg });
export const epicRunTicketArgs = z.object({ runID: idArg, ticketID: idArg });
export const epicRunBudgetArgs = z.object({
  runID: idArg,
  budgetUsd: z.number().positive('A budget is more than $0.').max(1_000_000, 'A run’s budget is at most $1,000,000.'),
});

/** The run, when the caller may steer it; "Epic run not found." for anyone outside its organization. */
export async function steerableEpicRun(tx: Transaction, ctx: ZeroContext | undefined, id: string) {
  const run = await tx.run(zql.epicRun.where('id', id).one());
  if (!run || !roleIn(ctx, run.organizationId)) throw new SpedyError('notFound', 'Epic run not found.');
  assertPermission(ctx, run.organizationId, 'jobs:steer', await rolePolicyOf(tx, run.organizationId));
  return run;
}

export const epicRunMutators = {
  /** Choosing a team starts a run (server half); empty means the project's team. Read-only while a run is active. */
  setTeam: defineMutator(setEpicTeamArgs, async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.ticketID);
    if (ticket.type !== 'epic') throw new SpedyError('invalid', 'Only an Epic has a runner team of its own.');
    assertPermission(ctx, ticket.organizationId, 'jobs:steer', await rolePolicyOf(tx, ticket.organizationId));
    const run = await tx.run(zql.epicRun.where('epicTicketId', ticket.id).one());
    if (run && isActiveEpicRun(run.status)) throw new SpedyError('invalid', 'The runner team cannot change while the Epic’s run is active: cancel it first.');
    if (args.teamID) {
      const team = await tx.run(zql.runnerTeam.where('id', args.teamID).one());
      if (!team || team.organizationId !== ticket.organizationId) throw new SpedyError('notFound', 'Runner team not found.');
    }
    await tx.mutate.ticket.update({ id: ticket.id, runnerTeamId: args.teamID, updatedAt: Date.now() });
  }),
  retry: defineMutator(epicRunTicketArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
  skip: defineMutator(epicRunTicketArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
  cancel: defineMutator(epicRunArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
  continue: defineMutator(epicRunArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
  restart: defineMutator(epicRunArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
  setBudget: defineMutator(epicRunBudgetArgs, async ({ tx, args, ctx }) => void (await steerableEpicRun(tx, ctx, args.runID))),
};
