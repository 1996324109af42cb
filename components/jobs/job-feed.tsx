'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, Inbox } from 'lucide-react';
import { memo, type RefObject, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { type FeedItem, type JobActionRow, lastSeqOf, toFeedItems, withJobActions } from '@/lib/jobs/event-feed';
import { FeedItemView } from './feed-item';
import { useFollowBottom } from './use-follow-bottom';
import { useJobEvents } from './use-job-events';

type JobFeedProps = {
  orgID: string;
  jobID: string;
  emptyText: string;
  stageName: (id: string | null) => string | null;
  /** People's actions on the job (job_action), merged among the events in time order. */
  actions: readonly JobActionRow[];
};

/** Room above the first row for the line that says whether earlier events exist. */
const headerPx = 28;
/** Rows from the top at which the next older page is read. */
const pageInAt = 5;
/** A short feed is all in the DOM (the browser's find, tests that read any row); a longer one is windowed. */
const mountAllUpTo = 100;

/**
 * The job's events in order, following the newest while the person is at the bottom. Only the
 * rows in view are in the DOM (TanStack Virtual); older events are read as the person scrolls back.
 */
export function JobFeed({ orgID, jobID, emptyText, stageName, actions }: JobFeedProps) {
  const follow = useFollowBottom<HTMLDivElement>();
  const { rows, startReached, loadingOlder, loadOlder } = useJobEvents(orgID, jobID, follow.following);
  const items = useMemo(() => {
    // People's actions join the events they happened among; older ones wait until their events are paged in.
    const oldest = startReached ? Number.NEGATIVE_INFINITY : Math.min(...rows.map((row) => row.createdAt ?? Number.POSITIVE_INFINITY));
    return withJobActions(toFeedItems(rows), rows, actions.filter((action) => action.createdAt >= oldest));
  }, [rows, actions, startReached]);
  if (items.length === 0) return <EmptyState icon={Inbox} title="No events yet" description={emptyText} className="m-4" data-testid="job-feed-empty" />;
  return (
    <div className="relative min-h-0 flex-1">
      <FeedList items={items} boxRef={follow.ref} following={follow.following} onScroll={follow.onScroll} stick={follow.stick} startReached={startReached} loadingOlder={loadingOlder} loadOlder={loadOlder} stageName={stageName} />
      {!follow.following && (
        <Button size="sm" variant="secondary" className="absolute bottom-3 left-1/2 -translate-x-1/2 shadow-md" onClick={follow.jumpToLatest} data-testid="jump-to-latest">
          <ArrowDown aria-hidden /> Jump to latest
        </Button>
      )}
    </div>
  );
}

type FeedListProps = {
  items: FeedItem[];
  boxRef: RefObject<HTMLDivElement | null>;
  following: boolean;
  onScroll: () => void;
  stick: () => void;
  startReached: boolean;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
  stageName: (id: string | null) => string | null;
};

const FeedList = memo(function FeedList({ items, boxRef: ref, following, onScroll, stick, startReached, loadingOlder, loadOlder, stageName }: FeedListProps) {
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => ref.current,
    estimateSize: () => 36,
    getItemKey: (index) => items[index]!.seq,
    overscan: items.length <= mountAllUpTo ? items.length : 8,
    paddingStart: headerPx,
    paddingEnd: 12,
  });
  const total = virtualizer.getTotalSize();
  // A folded result can be newer than the row after its call: the newest shown is the largest.
  const latestSeq = useMemo(() => items.reduce((latest, item) => Math.max(latest, lastSeqOf(item)), 0), [items]);
  const rendered = virtualizer.getVirtualItems();

  // Older rows put above: the rows in view stay where they were.
  const firstSeq = items[0]!.seq;
  const shownFirst = useRef(firstSeq);
  useLayoutEffect(() => {
    const before = shownFirst.current;
    shownFirst.current = firstSeq;
    const box = ref.current;
    if (!box || following || firstSeq >= before) return;
    const index = items.findIndex((item) => item.seq === before);
    const moved = index > 0 ? virtualizer.measurementsCache[index]?.start : undefined;
    if (moved !== undefined) box.scrollTop += moved - headerPx;
  }, [firstSeq, items, following, ref, virtualizer]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows, or rows measured taller, are what move the bottom.
  useLayoutEffect(() => stick(), [items, total, stick]);

  const firstInView = rendered[0]?.index ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a page that came back still leaves the top in view: read the next.
  useEffect(() => {
    if (!following && !startReached && firstInView < pageInAt) void loadOlder();
  }, [following, startReached, firstInView, loadOlder, items.length]);

  return (
    <div
      ref={ref}
      onScroll={onScroll}
      role="log"
      aria-label="Job events"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take focus so keyboard users can scroll it.
      tabIndex={0}
      className="h-full overflow-y-auto px-4 focus-visible:outline-2 focus-visible:outline-ring"
      data-testid="job-feed"
      data-first-seq={firstSeq}
      data-latest-seq={latestSeq}
    >
      <ol className="relative" style={{ height: total }}>
        <li className="absolute inset-x-0 top-0 flex h-7 items-center justify-center text-xs text-muted-foreground" data-testid={startReached ? 'job-feed-start' : 'job-feed-earlier'}>
          {startReached ? 'The job’s first event' : loadingOlder ? 'Loading earlier events…' : 'Scroll up for earlier events'}
        </li>
        {rendered.map((row) => {
          const item = items[row.index]!;
          return (
            <li
              key={row.key}
              ref={virtualizer.measureElement}
              data-index={row.index}
              className="absolute inset-x-0 top-0 pb-1"
              style={{ transform: `translateY(${row.start}px)` }}
              data-testid="feed-item"
              data-kind={item.kind}
              data-stage={item.stage ?? undefined}
              data-seq={item.seq}
            >
              <FeedItemView item={item} stageName={stageName} />
            </li>
          );
        })}
      </ol>
    </div>
  );
});
