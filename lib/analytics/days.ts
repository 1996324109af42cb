// Roll-ups count by calendar day in the organization's time zone (an administrator's
// setting, UTC by default): a job finishing at 23:30 in Berlin counts on that Berlin day,
// whatever the server's clock zone is.
import { tz } from '@date-fns/tz';
import { format, subDays } from 'date-fns';
import { z } from 'zod';

export const defaultTimeZone = 'UTC';

let zones: ReadonlySet<string> | undefined;
/** The IANA zones this runtime knows (UTC included), for validation and the picker. */
export function timeZones(): ReadonlySet<string> {
  zones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  return zones;
}

export const timeZoneInput = z
  .string()
  .max(64)
  .refine((value) => timeZones().has(value), { message: 'Choose a time zone from the list, such as UTC or Europe/Berlin.' });

/** The calendar day (yyyy-MM-dd) of a moment (epoch milliseconds) in a time zone. */
export function dayOf(at: number, timeZone: string): string {
  return format(at, 'yyyy-MM-dd', { in: tz(timeZone) });
}

/** The last `count` days up to and including the day of `now`, oldest first. */
export function lastDays(now: number, timeZone: string, count: number): string[] {
  const zone = tz(timeZone);
  return Array.from({ length: count }, (_, i) => format(subDays(now, count - 1 - i, { in: zone }), 'yyyy-MM-dd', { in: zone }));
}
