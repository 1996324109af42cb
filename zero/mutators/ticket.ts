import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { assertMayOverrideBudgets } from '../../lib/jobs/budget-rules.ts';
import { rolePolicyOf } from './steering.ts';
import { ticketAiBudgetArg, ticketAiBudgetProblem } from '../../lib/tickets/ai-budget.ts';
import { parentProblem, parentTypeProblem, type TicketType } from '../../lib/tickets/hierarchy.ts';
import { SpedyError } from '@spedy/protocol/errors';
import type { ZeroContext } from '../../lib/auth/context.ts';
import { zql } from '../schema.gen.ts';
import { idArg, markdownArg, rankArg, ticketTypeArg, titleArg } from './args.ts';
import { loadLabel, loadProject, loadStatusOfProject, loadTicket } from './load.ts';

async function assertAssignable(tx: Transaction, orgID: string, userID: string | null | undefined) {
  if (!userID) return;
  const m = await tx.run(zql.member.where('organizationId', orgID).where('userId', userID).one());
  if (!m) throw new SpedyError('invalid', 'The assignee must be a member of this organization.');
}

async function assertParentAllowed(
  tx: Transaction,
  ctx: ZeroContext | undefined,
  ticket: { id: string; projectId: string; type: TicketType },
  parentID: string | null | undefined,
) {
  if (!parentID) return;
  const parent = await loadTicket(tx, ctx, parentID);
  const parents = new Map<string, string | null>();
  for (let cur: string | null = parent.id; cur && !parents.has(cur); ) {
    const next: string | null = (await tx.run(zql.ticket.where('id', cur).one()))?.parentId ?? null;
    parents.set(cur, next);
    cur = next;
  }
  const problem = parentProblem(ticket, parent, (id) => parents.get(id));
  if (problem) throw new SpedyError('invalid', problem);
}

export const createTicketArgs = z.object({
  id: idArg,
  projectID: idArg,
  statusID: idArg,
  title: titleArg,
  type: ticketTypeArg.default('task'),
  rank: rankArg,
  description: markdownArg.optional(),
  parentID: idArg.nullish(),
  assigneeID: idArg.nullish(),
});

export const moveTicketArgs = z.object({ id: idArg, statusID: idArg, rank: rankArg });
export const setTicketAiBudgetArgs = z.object({ id: idArg, budget: ticketAiBudgetArg });

export const ticketMutators = {
  /** The display number is assigned by the server mutator (zero/server-mutators.ts). */
  create: defineMutator(createTicketArgs, async ({ tx, args, ctx }) => {
    const project = await loadProject(tx, ctx, args.projectID);
    await loadStatusOfProject(tx, ctx, args.statusID, project.id);
    await assertAssignable(tx, project.organizationId, args.assigneeID);
    await assertParentAllowed(tx, ctx, { id: args.id, projectId: project.id, type: args.type }, args.parentID);
    const now = Date.now();
    await tx.mutate.ticket.insert({
      id: args.id,
      organizationId: project.organizationId,
      projectId: project.id,
      number: null,
      title: args.title,
      type: args.type,
      statusId: args.statusID,
      rank: args.rank,
      parentId: args.parentID ?? null,
      assigneeId: args.assigneeID ?? null,
      creatorId: ctx.userID,
      aiFailed: false,
      createdAt: now,
      updatedAt: now,
    });
    if (args.description) {
      await tx.mutate.ticketDescription.insert({ ticketId: args.id, organizationId: project.organizationId, body: args.description });
    }
  }),

  update: defineMutator(
    z.object({
      id: idArg,
      title: titleArg.optional(),
      type: ticketTypeArg.optional(),
      parentID: idArg.nullish(),
      assigneeID: idArg.nullish(),
    }),
    async ({ tx, args, ctx }) => {
      const ticket = await loadTicket(tx, ctx, args.id);
      const type = args.type ?? ticket.type;
      if (args.assigneeID !== undefined) await assertAssignable(tx, ticket.organizationId, args.assigneeID);
      const parentID = args.parentID !== undefined ? args.parentID : ticket.parentId;
      if (args.parentID !== undefined || args.type !== undefined) {
        await assertParentAllowed(tx, ctx, { id: ticket.id, projectId: ticket.projectId, type }, parentID);
      }
      if (args.type !== undefined) {
        const child = await tx.run(zql.ticket.where('parentId', ticket.id).one());
        const problem = child && parentTypeProblem(child.type, type);
        if (problem) throw new SpedyError('invalid', problem);
      }
      await tx.mutate.ticket.update({
        id: ticket.id,
        ...(args.title !== undefined && { title: args.title }),
        ...(args.type !== undefined && { type: args.type }),
        ...(args.parentID !== undefined && { parentId: args.parentID }),
        ...(args.assigneeID !== undefined && { assigneeId: args.assigneeID }),
        updatedAt: Date.now(),
      });
    },
  ),

  /** Drag and drop: a new column and/or a new place in it. */
  move: defineMutator(moveTicketArgs, async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.id);
    await loadStatusOfProject(tx, ctx, args.statusID, ticket.projectId);
    await tx.mutate.ticket.update({ id: ticket.id, statusId: args.statusID, rank: args.rank, updatedAt: Date.now() });
  }),

  /**
   * The ticket's own AI budget, or null for the team's again (lib/tickets/ai-budget.ts):
   * for those who may override budgets, never past the cost ceiling of the project's team.
   */
  setAiBudget: defineMutator(setTicketAiBudgetArgs, async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.id);
    assertMayOverrideBudgets(ctx, ticket.organizationId, await rolePolicyOf(tx, ticket.organizationId));
    const config = await tx.run(zql.projectRunnerConfig.where('projectId', ticket.projectId).one());
    const team = config?.teamId ? await tx.run(zql.runnerTeam.where('id', config.teamId).one()) : undefined;
    const problem = ticketAiBudgetProblem(args.budget, team?.budget.maxCostCeilingUsd);
    if (problem) throw new SpedyError('invalid', problem);
    await tx.mutate.ticket.update({ id: ticket.id, aiBudget: args.budget, updatedAt: Date.now() });
  }),

  setDescription: defineMutator(z.object({ id: idArg, body: markdownArg }), async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.id);
    await tx.mutate.ticketDescription.upsert({ ticketId: ticket.id, organizationId: ticket.organizationId, body: args.body });
    await tx.mutate.ticket.update({ id: ticket.id, updatedAt: Date.now() });
  }),

  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.id);
    for (const child of await tx.run(zql.ticket.where('parentId', ticket.id))) {
      await tx.mutate.ticket.update({ id: child.id, parentId: null });
    }
    await tx.mutate.ticket.delete({ id: ticket.id });
  }),

  addLabel: defineMutator(z.object({ ticketID: idArg, labelID: idArg }), async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.ticketID);
    const label = await loadLabel(tx, ctx, args.labelID);
    if (label.organizationId !== ticket.organizationId) throw new SpedyError('notFound', 'Label not found.');
    await tx.mutate.ticketLabel.upsert({ ticketId: ticket.id, labelId: label.id, organizationId: ticket.organizationId });
  }),

  removeLabel: defineMutator(z.object({ ticketID: idArg, labelID: idArg }), async ({ tx, args, ctx }) => {
    const ticket = await loadTicket(tx, ctx, args.ticketID);
    await tx.mutate.ticketLabel.delete({ ticketId: ticket.id, labelId: args.labelID });
  }),

  /** `blockerID` BLOCKS `blockedID`. */
  addBlock: defineMutator(z.object({ blockerID: idArg, blockedID: idArg }), async ({ tx, args, ctx }) => {
    if (args.blockerID === args.blockedID) throw new SpedyError('invalid', 'A ticket cannot block itself.');
    const blocker = await loadTicket(tx, ctx, args.blockerID);
    const blocked = await loadTicket(tx, ctx, args.blockedID);
    if (blocker.organizationId !== blocked.organizationId) throw new SpedyError('notFound', 'Ticket not found.');
    const reverse = await tx.run(zql.ticketBlock.where('blockerId', blocked.id).where('blockedId', blocker.id).one());
    if (reverse) throw new SpedyError('invalid', 'These tickets would block each other.');
    await tx.mutate.ticketBlock.upsert({ blockerId: blocker.id, blockedId: blocked.id, organizationId: blocker.organizationId });
  }),

  removeBlock: defineMutator(z.object({ blockerID: idArg, blockedID: idArg }), async ({ tx, args, ctx }) => {
    await loadTicket(tx, ctx, args.blockerID);
    await tx.mutate.ticketBlock.delete({ blockerId: args.blockerID, blockedId: args.blockedID });
  }),
};
