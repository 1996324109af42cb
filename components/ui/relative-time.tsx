'use client';
import { format, formatDistanceToNowStrict } from 'date-fns';
import { useSyncExternalStore } from 'react';

// One timer for every relative time on the page, however many rows show one.
const tickMs = 15_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, tickMs);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, refreshed every 15 seconds, so "12 seconds ago" keeps counting without new data. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now, () => now);
}

/** "3 minutes ago" / "in 2 days", with the exact time on hover. */
export function RelativeTime({ at, fallback = '—' }: { at: number | null | undefined; fallback?: string }) {
  useNow();
  if (at == null) return <span className="text-muted-foreground">{fallback}</span>;
  // Never "in 2 seconds" for something that just happened on a server clock slightly ahead of ours.
  const wallClock = Date.now();
  const shown = at > wallClock && at - wallClock < 60_000 ? wallClock : at;
  return (
    <time dateTime={new Date(at).toISOString()} title={format(at, 'PPpp')} className="whitespace-nowrap">
      {formatDistanceToNowStrict(shown, { addSuffix: true })}
    </time>
  );
}
