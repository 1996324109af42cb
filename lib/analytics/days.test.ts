import { describe, expect, it } from 'vitest';
import { dayOf, lastDays, timeZoneInput } from './days.ts';

describe('daily buckets in the organization time zone', () => {
  it('puts a moment on the calendar day of the zone, not of UTC', () => {
    const lateEvening = Date.UTC(2026, 2, 29, 22, 30); // 29 Mar 22:30 UTC = 30 Mar 00:30 in Berlin (CEST)
    expect(dayOf(lateEvening, 'UTC')).toBe('2026-03-29');
    expect(dayOf(lateEvening, 'Europe/Berlin')).toBe('2026-03-30');
    const earlyMorning = Date.UTC(2026, 2, 30, 5, 0); // 30 Mar 05:00 UTC = 29 Mar 22:00 in Los Angeles (PDT)
    expect(dayOf(earlyMorning, 'America/Los_Angeles')).toBe('2026-03-29');
  });

  it('counts the window back from today in the zone, across a daylight-saving change', () => {
    // Berlin moved to summer time on 29 Mar 2026: the window still has one entry per calendar day.
    expect(lastDays(Date.UTC(2026, 2, 29, 22, 30), 'Europe/Berlin', 3)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(lastDays(Date.UTC(2026, 2, 29, 22, 30), 'UTC', 3)).toEqual(['2026-03-27', '2026-03-28', '2026-03-29']);
    expect(lastDays(Date.UTC(2026, 0, 1, 12), 'UTC', 30)).toHaveLength(30);
  });

  it('takes IANA zones only', () => {
    expect(timeZoneInput.safeParse('Europe/Berlin').success).toBe(true);
    expect(timeZoneInput.safeParse('UTC').success).toBe(true);
    const refused = timeZoneInput.safeParse('Mars/Olympus_Mons');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].message).toBe('Choose a time zone from the list, such as UTC or Europe/Berlin.');
    expect(timeZoneInput.safeParse('+01:00').success).toBe(false);
  });
});

describe('figures as they read', () => {
  it('durations, rates and counts', async () => {
    const { formatDuration, formatRate } = await import('./format.ts');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(7_440_000)).toBe('2 h 4 min');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0.5)).toBe('50%');
  });
});
