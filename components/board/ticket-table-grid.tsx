'use client';
import { FlexRender, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useRef, type ReactNode } from 'react';
import { cn } from '@/lib/cn';
import type { TicketRow, TicketTableFeatures } from './ticket-table';

const rowHeight = 36;

type TableRow = Row<TicketTableFeatures, TicketRow>;

/**
 * The scrolling part of the table. Only the rows in view (and a few either side) are in
 * the DOM. The virtualiser lives here, with its scroll container, so scrolling re-renders
 * this component alone: the header arrives as an element that does not change, and rows
 * are memoised, so a scroll step renders only the rows coming into view.
 */
export function TicketTableGrid({
  rows,
  header,
  gridTemplateColumns,
  onOpen,
  whenEmpty,
}: {
  rows: readonly TableRow[];
  /** the sticky header row group */
  header: ReactNode;
  gridTemplateColumns: string;
  onOpen: (row: TicketRow) => void;
  whenEmpty: ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  // A new key function makes the virtualiser re-measure all rows; keep it while rows stay the same.
  const getItemKey = useCallback((index: number) => rows[index].id, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey,
    // A fast fling replaces every row each frame: rows rendered off screen only add to that frame.
    overscan: 4,
    // Let React batch scroll updates instead of rendering synchronously inside the scroll event.
    useFlushSync: false,
  });

  return (
    <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" data-testid="ticket-table">
      <div role="table" aria-label="Tickets" aria-rowcount={rows.length + 1} className="min-w-fit text-sm">
        {header}
        <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <TicketTableRow
              key={item.key}
              row={rows[item.index]}
              index={item.index}
              start={item.start}
              gridTemplateColumns={gridTemplateColumns}
              onOpen={onOpen}
            />
          ))}
        </div>
      </div>
      {rows.length === 0 && whenEmpty}
    </div>
  );
}

const TicketTableRow = memo(function TicketTableRow({
  row,
  index,
  start,
  gridTemplateColumns,
  onOpen,
}: {
  row: TableRow;
  index: number;
  start: number;
  /** also what tells a memoised row that the visible columns changed */
  gridTemplateColumns: string;
  onOpen: (row: TicketRow) => void;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-testid="ticket-row"
      data-ticket-id={row.id}
      tabIndex={0}
      onClick={() => onOpen(row.original)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(row.original);
      }}
      // Rows have a fixed size, so strict containment keeps each row's layout and paint to itself.
      className={cn(
        'absolute inset-x-0 top-0 grid border-b outline-none [contain:strict] hover:bg-muted/60 focus-visible:bg-muted focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:ring-inset',
        row.original.number != null && 'cursor-pointer',
      )}
      style={{ gridTemplateColumns, height: rowHeight, transform: `translateY(${start}px)` }}
    >
      {row.getVisibleCells().map((cell) => (
        <div role="cell" key={cell.id} className="flex min-w-0 items-center overflow-hidden px-3 whitespace-nowrap">
          <FlexRender cell={cell} />
        </div>
      ))}
    </div>
  );
});
