import { describe, expect, it } from 'vitest';
import { isStaleViewer, presenceExpiryMs, watchersNow } from './presence.ts';

describe('watchersNow', () => {
  const t = 1_700_000_000_000;
  it('lists the others whose heartbeat is fresh against the newest one, by name, never oneself', () => {
    const rows = [
      { userId: 'me', seenAt: t, user: { name: 'Olga' } },
      { userId: 'sam', seenAt: t - 1000, user: { name: 'Sam' } },
      { userId: 'dana', seenAt: t - presenceExpiryMs, user: { name: 'Dana' } },
      { userId: 'gone', seenAt: t - presenceExpiryMs - 1, user: { name: 'Gone' } },
      { userId: 'nameless', seenAt: t, user: null },
    ];
    expect(watchersNow(rows, 'me')).toEqual([
      { userId: 'dana', name: 'Dana' },
      { userId: 'sam', name: 'Sam' },
      { userId: 'nameless', name: 'Someone' },
    ]);
  });

  it('measures age by the rows alone: a page whose clock is hours off sees the same people', () => {
    const hoursAgo = t - 5 * 60 * 60 * 1000;
    const rows = [
      { userId: 'me', seenAt: hoursAgo, user: { name: 'Olga' } },
      { userId: 'sam', seenAt: hoursAgo - 2000, user: { name: 'Sam' } },
    ];
    expect(watchersNow(rows, 'me')).toEqual([{ userId: 'sam', name: 'Sam' }]);
    expect(watchersNow([], 'me')).toEqual([]);
  });

  it('deletes rows only well after they stopped counting', () => {
    expect(isStaleViewer(t - presenceExpiryMs - 1, t)).toBe(false);
    expect(isStaleViewer(t - 2 * presenceExpiryMs - 1, t)).toBe(true);
  });
});
