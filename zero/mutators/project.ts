import { defineMutator } from '@rocicorp/zero';
import { z } from 'zod';
import { projectKeySchema } from '../../lib/board/project-key.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { zql } from '../schema.gen.ts';
import { idArg, rankArg, statusNameArg } from './args.ts';
import { loadProject, loadStatus } from './load.ts';

const createProjectArgs = z.object({
  id: idArg,
  orgID: idArg,
  key: projectKeySchema,
  name: z.string().trim().min(1, 'Name the project.').max(80, 'Project names are at most 80 characters.'),
  statuses: z
    .array(z.object({ id: idArg, name: statusNameArg, position: rankArg }))
    .min(1, 'A project needs at least one status column.')
    .max(20, 'A project has at most 20 status columns.'),
});

export const projectMutators = {
  create: defineMutator(createProjectArgs, async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'projects:create');
    const taken = await tx.run(zql.project.where('organizationId', args.orgID).where('key', args.key).one());
    if (taken) throw new SpedyError('conflict', `Project key ${args.key} is already used in this organization.`);
    const names = new Set(args.statuses.map((s) => s.name.toLowerCase()));
    if (names.size !== args.statuses.length) throw new SpedyError('invalid', 'Status column names must be unique.');
    await tx.mutate.project.insert({
      id: args.id,
      organizationId: args.orgID,
      key: args.key,
      name: args.name,
      lastTicketNumber: 0,
      createdAt: Date.now(),
    });
    for (const s of args.statuses) {
      await tx.mutate.projectStatus.insert({ ...s, organizationId: args.orgID, projectId: args.id });
    }
  }),

  addStatus: defineMutator(
    z.object({ id: idArg, projectID: idArg, name: statusNameArg, position: rankArg }),
    async ({ tx, args, ctx }) => {
      const project = await loadProject(tx, ctx, args.projectID);
      assertPermission(ctx, project.organizationId, 'columns:manage');
      const same = await tx.run(zql.projectStatus.where('projectId', project.id).where('name', args.name).one());
      if (same) throw new SpedyError('conflict', `There is already a column named ${args.name}.`);
      await tx.mutate.projectStatus.insert({ id: args.id, name: args.name, position: args.position, projectId: project.id, organizationId: project.organizationId });
    },
  ),

  renameStatus: defineMutator(z.object({ id: idArg, name: statusNameArg }), async ({ tx, args, ctx }) => {
    const status = await loadStatus(tx, ctx, args.id);
    assertPermission(ctx, status.organizationId, 'columns:manage');
    const same = await tx.run(zql.projectStatus.where('projectId', status.projectId).where('name', args.name).one());
    if (same && same.id !== status.id) throw new SpedyError('conflict', `There is already a column named ${args.name}.`);
    await tx.mutate.projectStatus.update({ id: status.id, name: args.name });
  }),

  moveStatus: defineMutator(z.object({ id: idArg, position: rankArg }), async ({ tx, args, ctx }) => {
    const status = await loadStatus(tx, ctx, args.id);
    assertPermission(ctx, status.organizationId, 'columns:manage');
    await tx.mutate.projectStatus.update({ id: status.id, position: args.position });
  }),

  removeStatus: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const status = await loadStatus(tx, ctx, args.id);
    assertPermission(ctx, status.organizationId, 'columns:manage');
    const inUse = await tx.run(zql.ticket.where('statusId', status.id).one());
    if (inUse) throw new SpedyError('conflict', `Move the tickets out of ${status.name} before removing it.`);
    await tx.mutate.projectStatus.delete({ id: status.id });
  }),
};
