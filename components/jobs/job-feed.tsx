'use client';
import { ArrowDown, Inbox } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import type { FeedItem } from '@/lib/jobs/event-feed';
import { FeedItemView } from './feed-item';
import { useFollowBottom } from './use-follow-bottom';

type JobFeedProps = {
  items: FeedItem[];
  /** The feed holds only the latest events; say so. */
  capped: number | null;
  emptyText: string;
  stageName: (id: string | null) => string | null;
};

/** The job's events in order, following the newest while the person is at the bottom. */
export function JobFeed({ items, capped, emptyText, stageName }: JobFeedProps) {
  const last = items.at(-1)?.seq ?? 0;
  const { ref, following, onScroll, jumpToLatest } = useFollowBottom<HTMLDivElement>(last);
  if (items.length === 0) return <EmptyState icon={Inbox} title="No events yet" description={emptyText} className="m-4" data-testid="job-feed-empty" />;
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={ref}
        onScroll={onScroll}
        role="log"
        aria-label="Job events"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take focus so keyboard users can scroll it.
        tabIndex={0}
        className="h-full overflow-y-auto px-4 py-3 focus-visible:outline-2 focus-visible:outline-ring"
        data-testid="job-feed"
      >
        {capped != null && <p className="mb-2 text-center text-xs text-muted-foreground" data-testid="job-feed-capped">Showing the latest {capped.toLocaleString('en-US')} events; earlier ones are left out.</p>}
        <ol className="grid gap-1">
          {items.map((item) => (
            <li key={item.seq} data-testid="feed-item" data-kind={item.kind} data-stage={item.stage ?? undefined}>
              <FeedItemView item={item} stageName={stageName} />
            </li>
          ))}
        </ol>
      </div>
      {!following && (
        <Button size="sm" variant="secondary" className="absolute bottom-3 left-1/2 -translate-x-1/2 shadow-md" onClick={jumpToLatest} data-testid="jump-to-latest">
          <ArrowDown aria-hidden /> Jump to latest
        </Button>
      )}
    </div>
  );
}
