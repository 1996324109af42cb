import { defineMutator } from '@rocicorp/zero';
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { assertMember } from '../../lib/auth/context.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';

export const labelMutators = {
  create: defineMutator(
    z.object({
      id: idArg,
      orgID: idArg,
      name: z.string().trim().min(1, 'Name the label.').max(40, 'Label names are at most 40 characters.'),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Colour must look like #a1b2c3.'),
    }),
    async ({ tx, args, ctx }) => {
      assertMember(ctx, args.orgID);
      const same = await tx.run(zql.label.where('organizationId', args.orgID).where('name', args.name).one());
      if (same) throw new SpedyError('conflict', `A label named ${args.name} already exists.`);
      await tx.mutate.label.insert({ id: args.id, organizationId: args.orgID, name: args.name, color: args.color });
    },
  ),
};
