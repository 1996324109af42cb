// The organization's event retention setting (organization_settings.event_retention_days): how
// many days a finished job keeps its events' full detail before lib/jobs/retention.ts compacts it.
// Apart from retention.ts so that the browser's mutators and the settings page load no SQL.
import { z } from 'zod';

export const defaultEventRetentionDays = 30;
export const maxEventRetentionDays = 3650;

export const eventRetentionDaysInput = z
  .number({ error: 'Give the number of days as a whole number, such as 30.' })
  .int('Give the number of days as a whole number, such as 30.')
  .min(1, 'Keep events at least 1 day.')
  .max(maxEventRetentionDays, `Keep events at most ${maxEventRetentionDays} days (about ten years).`);
