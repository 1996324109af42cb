// Settings of the whole organization (lib/db/analytics-schema.ts: organization_settings).
import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { defaultTimeZone, timeZoneInput } from '../../lib/analytics/days.ts';
import { assertPermission, withdrawablePermissions } from '../../lib/auth/permissions.ts';
import { defaultEventRetentionDays, eventRetentionDaysInput } from '../../lib/jobs/retention-setting.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';

/** Each setting changes on its own; what is left out keeps its value. */
export const updateOrganizationSettingsArgs = z.object({ orgID: idArg, timeZone: timeZoneInput.optional(), eventRetentionDays: eventRetentionDaysInput.optional() });
export const setMemberPermissionArgs = z.object({
  orgID: idArg,
  permission: z.enum(withdrawablePermissions, { message: 'Only steering jobs can be taken from Members.' }),
  granted: z.boolean(),
});

/** An upsert writes every column: an organization without a row has the defaults. */
async function currentSettings(tx: Transaction, orgID: string) {
  const row = await tx.run(zql.organizationSettings.where('organizationId', orgID).one());
  return {
    organizationId: orgID,
    timeZone: row?.timeZone ?? defaultTimeZone,
    withdrawnMemberPermissions: row?.withdrawnMemberPermissions ?? [],
    eventRetentionDays: row?.eventRetentionDays ?? defaultEventRetentionDays,
  };
}

export const organizationSettingsMutators = {
  /**
   * The zone analytics count days in: usage and jobs count on their day in the new zone from
   * now on; days already counted stay as they were. The days a finished job keeps its events'
   * full detail before it is compacted (lib/jobs/retention.ts).
   */
  update: defineMutator(updateOrganizationSettingsArgs, async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'organization:manage');
    const current = await currentSettings(tx, args.orgID);
    await tx.mutate.organizationSettings.upsert({
      ...current,
      timeZone: args.timeZone ?? current.timeZone,
      eventRetentionDays: args.eventRetentionDays ?? current.eventRetentionDays,
    });
  }),

  /** Gives the Member role a withdrawable permission back, or takes it (Administrators keep it either way). */
  setMemberPermission: defineMutator(setMemberPermissionArgs, async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'organization:manage');
    const current = await currentSettings(tx, args.orgID);
    const others = current.withdrawnMemberPermissions.filter((p) => p !== args.permission);
    await tx.mutate.organizationSettings.upsert({ ...current, withdrawnMemberPermissions: args.granted ? others : [...others, args.permission] });
  }),
};
