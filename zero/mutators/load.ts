import type { Transaction } from '@rocicorp/zero';
import { SpedyError } from '@spedy/protocol/errors';
import { assertMember, type ZeroContext } from '../../lib/auth/context.ts';
import { zql } from '../schema.gen.ts';

type Tx = Transaction;

/** Loads a row of the caller's organizations, or fails with "not found" for anything else. */
async function visible<T extends { organizationId: string }>(
  row: T | undefined,
  ctx: ZeroContext | undefined,
  what: string,
): Promise<T> {
  if (!row) throw new SpedyError('notFound', `${what} not found.`);
  assertMember(ctx, row.organizationId, what);
  return row;
}

export async function loadProject(tx: Tx, ctx: ZeroContext | undefined, id: string) {
  return visible(await tx.run(zql.project.where('id', id).one()), ctx, 'Project');
}

export async function loadTicket(tx: Tx, ctx: ZeroContext | undefined, id: string) {
  return visible(await tx.run(zql.ticket.where('id', id).one()), ctx, 'Ticket');
}

export async function loadStatus(tx: Tx, ctx: ZeroContext | undefined, id: string) {
  return visible(await tx.run(zql.projectStatus.where('id', id).one()), ctx, 'Status');
}

export async function loadComment(tx: Tx, ctx: ZeroContext | undefined, id: string) {
  return visible(await tx.run(zql.comment.where('id', id).one()), ctx, 'Comment');
}

export async function loadLabel(tx: Tx, ctx: ZeroContext | undefined, id: string) {
  return visible(await tx.run(zql.label.where('id', id).one()), ctx, 'Label');
}

/** The status must belong to the ticket's project. */
export async function loadStatusOfProject(tx: Tx, ctx: ZeroContext | undefined, statusID: string, projectID: string) {
  const status = await loadStatus(tx, ctx, statusID);
  if (status.projectId !== projectID) throw new SpedyError('invalid', 'That status is not a column of this project.');
  return status;
}
