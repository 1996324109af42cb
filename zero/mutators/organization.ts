// Settings of the whole organization (lib/db/analytics-schema.ts: organization_settings).
import { defineMutator } from '@rocicorp/zero';
import { z } from 'zod';
import { defaultTimeZone, timeZoneInput } from '../../lib/analytics/days.ts';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { defaultEventRetentionDays, eventRetentionDaysInput } from '../../lib/jobs/retention-setting.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';

/** Each setting changes on its own; what is left out keeps its value. */
export const updateOrganizationSettingsArgs = z.object({ orgID: idArg, timeZone: timeZoneInput.optional(), eventRetentionDays: eventRetentionDaysInput.optional() });

export const organizationSettingsMutators = {
  /**
   * The zone analytics count days in: usage and jobs count on their day in the new zone from
   * now on; days already counted stay as they were. The days a finished job keeps its events'
   * full detail before it is compacted (lib/jobs/retention.ts).
   */
  update: defineMutator(updateOrganizationSettingsArgs, async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'organization:manage');
    const current = await tx.run(zql.organizationSettings.where('organizationId', args.orgID).one());
    await tx.mutate.organizationSettings.upsert({
      organizationId: args.orgID,
      timeZone: args.timeZone ?? current?.timeZone ?? defaultTimeZone,
      eventRetentionDays: args.eventRetentionDays ?? current?.eventRetentionDays ?? defaultEventRetentionDays,
    });
  }),
};
