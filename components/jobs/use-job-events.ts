'use client';
import { useQuery, useZero } from '@rocicorp/zero/react';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { JobEventRow } from '@/lib/jobs/event-feed';
import { heldRows, type HeldEvents, noEvents, oldestHeldSeq, olderPageSize, withGapPage, withLive, withOlderPage } from '@/lib/jobs/feed-window';
import { queries } from '@/zero/queries';
import { useFrameBatched } from './use-frame-batched';

const maxGapPage = 500;

/**
 * The job's events the feed shows (lib/jobs/feed-window.ts): the live window, at most once per
 * frame, plus what slid out of it while the person reads back and older pages read on demand.
 */
export function useJobEvents(orgID: string, jobID: string, following: boolean) {
  const zero = useZero();
  const [liveRows, liveResult] = useQuery(queries.runners.jobFeed({ orgID, jobID }));
  const complete = liveResult.type === 'complete';
  const live = useFrameBatched(useMemo(() => ({ rows: liveRows as readonly JobEventRow[], complete }), [liveRows, complete]));
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const held = useRef<{ key: string; events: HeldEvents; live: unknown }>({ key: '', events: noEvents, live: null });
  const key = `${orgID}/${jobID}`;
  if (held.current.key !== key) held.current = { key, events: noEvents, live: null };
  // Derived during render (no extra pass per frame): withLive is a no-op for the rows it already took.
  if (held.current.live !== live) held.current = { key, events: withLive(held.current.events, live.rows, following, live.complete), live };
  const events = held.current.events;

  const update = useCallback(
    (change: (events: HeldEvents) => HeldEvents) => {
      if (held.current.key !== key) return; // another job's answer
      held.current = { ...held.current, events: change(held.current.events) };
      rerender();
    },
    [key],
  );

  const [loadingOlder, setLoadingOlder] = useState(false);
  const loading = useRef(false);
  const loadOlder = useCallback(async () => {
    const before = oldestHeldSeq(held.current.events);
    if (loading.current || before === null || held.current.events.startReached) return;
    loading.current = true;
    setLoadingOlder(true);
    try {
      const page = await zero.run(queries.runners.jobEventsBefore({ orgID, jobID, beforeSeq: before, limit: olderPageSize }), { type: 'complete', ttl: 'none' });
      update((current) => (oldestHeldSeq(current) === before ? withOlderPage(current, page as readonly JobEventRow[], olderPageSize) : current));
    } finally {
      loading.current = false;
      setLoadingOlder(false);
    }
  }, [zero, orgID, jobID, update]);

  const gap = events.gap;
  useEffect(() => {
    if (!gap) return;
    const limit = Math.min(maxGapPage, gap.before - gap.after - 1);
    void zero.run(queries.runners.jobEventsBefore({ orgID, jobID, beforeSeq: gap.before, limit }), { type: 'complete', ttl: 'none' }).then((page) => {
      update((current) => (current.gap?.before === gap.before ? withGapPage(current, page as readonly JobEventRow[], limit) : current));
    });
  }, [zero, orgID, jobID, gap, update]);

  const rows = useMemo(() => heldRows(events), [events]);
  return { rows, startReached: events.startReached, loadingOlder, loadOlder };
}
