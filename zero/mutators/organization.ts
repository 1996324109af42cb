// Settings of the whole organization (lib/db/analytics-schema.ts: organization_settings).
import { defineMutator } from '@rocicorp/zero';
import { z } from 'zod';
import { timeZoneInput } from '../../lib/analytics/days.ts';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { idArg } from './args.ts';

export const updateOrganizationSettingsArgs = z.object({ orgID: idArg, timeZone: timeZoneInput });

export const organizationSettingsMutators = {
  /**
   * The zone analytics count days in. Usage and jobs count on their day in the new zone from
   * now on; days already counted stay as they were.
   */
  update: defineMutator(updateOrganizationSettingsArgs, async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'organization:manage');
    await tx.mutate.organizationSettings.upsert({ organizationId: args.orgID, timeZone: args.timeZone });
  }),
};
