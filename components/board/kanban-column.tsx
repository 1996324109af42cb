'use client';
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { Plus } from 'lucide-react';
import { memo, useCallback, useMemo, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import type { ProjectStatus } from '@/zero/schema.gen';
import { SortableTicketCard } from './ticket-card';
import type { BoardLookups, BoardTicket } from './use-board-data';

/** What dnd-kit carries for a column's empty space. */
export type ColumnDropData = { type: 'column'; statusId: string };

export const columnDropId = (statusId: string) => `column:${statusId}`;

// Up to this many cards a column mounts them all (the virtualiser only positions them);
// beyond it, only the visible ones and a few either side are in the DOM.
const mountAllUpTo = 100;
const cardGap = 8;
const listPadding = 8;

type KanbanColumnProps = {
  status: ProjectStatus;
  tickets: readonly BoardTicket[];
  lookups: BoardLookups;
  /** The card being dragged, when it comes from this column: kept mounted while scrolled out of view. */
  draggingID: string | null;
  /** Where a card from elsewhere would land: before this card id, or at the end (null); undefined when not a target. */
  dropBeforeID: string | null | undefined;
  onOpen: (ticket: BoardTicket) => void;
  onCreate: (statusId: string) => void;
};

function DropLine({ top }: { top: number }) {
  return (
    <div
      aria-hidden
      className="pointer-events-none absolute inset-x-2 z-10 h-0.5 rounded-full bg-primary"
      style={{ top: top - 1 }}
    />
  );
}

export const KanbanColumn = memo(function KanbanColumn({
  status,
  tickets,
  lookups,
  draggingID,
  dropBeforeID,
  onOpen,
  onCreate,
}: KanbanColumnProps) {
  const data: ColumnDropData = { type: 'column', statusId: status.id };
  const { setNodeRef } = useDroppable({ id: columnDropId(status.id), data });
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const ids = useMemo(() => tickets.map((t) => t.id), [tickets]);
  const draggingIndex = draggingID ? ids.indexOf(draggingID) : -1;

  // dnd-kit keeps measuring the dragged card; unmounting it mid-drag would lose its place.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (draggingIndex < 0 || indexes.includes(draggingIndex)) return indexes;
      return [...indexes, draggingIndex].sort((a, b) => a - b);
    },
    [draggingIndex],
  );

  const getItemKey = useCallback((index: number) => ids[index], [ids]);
  const virtualizer = useVirtualizer({
    count: tickets.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    getItemKey,
    overscan: tickets.length <= mountAllUpTo ? tickets.length : 6,
    gap: cardGap,
    paddingStart: listPadding,
    paddingEnd: listPadding,
    rangeExtractor,
  });

  const setScrollNode = useCallback(
    (node: HTMLDivElement | null) => {
      scrollRef.current = node;
      setNodeRef(node);
    },
    [setNodeRef],
  );

  const isTarget = dropBeforeID !== undefined;
  const totalSize = virtualizer.getTotalSize();

  return (
    <section
      data-testid="board-column"
      data-status={status.name}
      aria-label={`${status.name}, ${tickets.length} ${tickets.length === 1 ? 'ticket' : 'tickets'}`}
      className={cn(
        'flex h-full w-72 shrink-0 flex-col rounded-lg bg-muted/60 transition-colors',
        isTarget && 'bg-accent ring-1 ring-ring/60',
      )}
    >
      <header className="flex items-center gap-2 px-3 pt-2.5 pb-1">
        <h2 className="truncate text-sm font-semibold">{status.name}</h2>
        <span className="rounded-full bg-background px-1.5 text-xs text-muted-foreground tabular-nums" data-testid="column-count">
          {tickets.length}
        </span>
        <Button
          variant="ghost"
          size="icon"
          className="ml-auto size-7"
          aria-label={`New ticket in ${status.name}`}
          onClick={() => onCreate(status.id)}
        >
          <Plus />
        </Button>
      </header>
      <div ref={setScrollNode} className="relative min-h-0 flex-1 overflow-y-auto overscroll-contain">
        <SortableContext id={status.id} items={ids} strategy={verticalListSortingStrategy}>
          <div className="relative" style={{ height: totalSize }}>
            {virtualizer.getVirtualItems().map((item) => {
              const ticket = tickets[item.index];
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="absolute inset-x-2 top-0"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {dropBeforeID === ticket.id && <DropLine top={-cardGap / 2} />}
                  <SortableTicketCard ticket={ticket} lookups={lookups} onOpen={onOpen} />
                </div>
              );
            })}
            {dropBeforeID === null && <DropLine top={totalSize - listPadding + (tickets.length ? cardGap / 2 : 0)} />}
          </div>
        </SortableContext>
        {tickets.length === 0 && (
          <p className="pointer-events-none px-3 py-6 text-center text-xs text-muted-foreground">
            {isTarget ? 'Drop here' : 'No tickets'}
          </p>
        )}
      </div>
    </section>
  );
});
