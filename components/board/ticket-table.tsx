'use client';
import {
  columnFilteringFeature,
  columnVisibilityFeature,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_equalsString,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnFiltersState,
  type ColumnVisibilityState,
  type FilterFn,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { format, formatDistanceToNowStrict } from 'date-fns';
import { ArrowDown, ArrowUp, ChevronsUpDown, SearchX } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDisplayId } from '@/lib/board/display-id';
import type { TicketType } from '@/lib/board/ticket-hierarchy';
import { cn } from '@/lib/cn';
import type { Label, ProjectStatus } from '@/zero/schema.gen';
import { LabelDots } from './label-dots';
import { TicketTableToolbar, type TicketTableFilters } from './ticket-table-toolbar';
import { ticketTypeLooks, TicketTypeIcon } from './ticket-type';
import { assigneeName, ticketPath, type BoardLookups, type BoardTicket } from './use-board-data';

/** One table row: a ticket flattened with the names its cells show and sort by. */
type TicketRow = {
  id: string;
  number: number | null;
  displayId: string;
  /** lower-cased "display id + title", what the text filter searches */
  search: string;
  title: string;
  type: TicketType;
  aiFailed: boolean;
  statusId: string;
  statusName: string;
  /** the column's place on the board, so Status sorts like the board reads */
  statusOrder: number;
  assigneeName: string | null;
  labels: readonly Label[];
  updatedAt: number;
};

const features = tableFeatures({
  columnFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  filterFns: { equalsString: filterFn_equalsString },
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, text: sortFn_text },
  columnVisibilityFeature,
});

const matchesText: FilterFn<typeof features, TicketRow> = (row, _columnId, query: string) =>
  row.original.search.includes(query.toLowerCase());
const matchesStatus: FilterFn<typeof features, TicketRow> = (row, _columnId, statusId: string) => row.original.statusId === statusId;

const helper = createColumnHelper<typeof features, TicketRow>();
const columns = helper.columns([
  // Tickets the server has not numbered yet are the newest: they sort after every number.
  helper.accessor((r) => r.number ?? Number.POSITIVE_INFINITY, {
    id: 'id',
    header: 'ID',
    sortFn: 'basic',
    cell: ({ row }) => <span className="font-mono text-xs text-muted-foreground">{row.original.displayId}</span>,
  }),
  helper.accessor('title', {
    header: 'Title',
    sortFn: 'text',
    filterFn: matchesText,
    enableHiding: false,
    cell: ({ row }) => (
      <span className="flex min-w-0 items-center gap-2">
        <span className="truncate font-medium">{row.original.title}</span>
        {row.original.aiFailed && <Badge variant="destructive">AI Failed</Badge>}
      </span>
    ),
  }),
  helper.accessor('type', {
    header: 'Type',
    sortFn: 'text',
    filterFn: 'equalsString',
    cell: ({ row }) => (
      <span className="flex items-center gap-1.5">
        <TicketTypeIcon type={row.original.type} />
        {ticketTypeLooks[row.original.type].label}
      </span>
    ),
  }),
  helper.accessor('statusOrder', {
    id: 'status',
    header: 'Status',
    sortFn: 'basic',
    filterFn: matchesStatus,
    cell: ({ row }) => <span className="truncate">{row.original.statusName}</span>,
  }),
  helper.accessor((r) => r.assigneeName ?? '', {
    id: 'assignee',
    header: 'Assignee',
    sortFn: 'text',
    cell: ({ row }) =>
      row.original.assigneeName ? (
        <span className="flex min-w-0 items-center gap-2">
          <Avatar name={row.original.assigneeName} size="sm" />
          <span className="truncate">{row.original.assigneeName}</span>
        </span>
      ) : (
        <span className="text-muted-foreground">Unassigned</span>
      ),
  }),
  helper.accessor((r) => r.labels.map((l) => l.name).join(', '), {
    id: 'labels',
    header: 'Labels',
    enableSorting: false,
    cell: ({ row, getValue }) => (
      <span className="flex min-w-0 items-center gap-2">
        <LabelDots labels={row.original.labels} decorative />
        <span className="truncate text-muted-foreground">{getValue()}</span>
      </span>
    ),
  }),
  helper.accessor('updatedAt', {
    header: 'Updated',
    sortFn: 'basic',
    cell: ({ row }) => (
      <time dateTime={new Date(row.original.updatedAt).toISOString()} title={format(row.original.updatedAt, 'PPpp')} className="text-muted-foreground">
        {formatDistanceToNowStrict(row.original.updatedAt, { addSuffix: true })}
      </time>
    ),
  }),
]);

const columnLabels: Record<string, string> = {
  id: 'ID',
  title: 'Title',
  type: 'Type',
  status: 'Status',
  assignee: 'Assignee',
  labels: 'Labels',
  updatedAt: 'Updated',
};

const columnWidths: Record<string, string> = {
  id: '96px',
  title: 'minmax(260px, 1fr)',
  type: '110px',
  status: '140px',
  assignee: '180px',
  labels: '200px',
  updatedAt: '130px',
};

const rowHeight = 36;
const getRowId = (row: TicketRow) => row.id;

function toRows(tickets: readonly BoardTicket[], statuses: readonly ProjectStatus[], lookups: BoardLookups): TicketRow[] {
  const statusIndex = new Map(statuses.map((s, i) => [s.id, i]));
  return tickets.map((t) => {
    const displayId = formatDisplayId(lookups.projectKey, t.number);
    return {
      id: t.id,
      number: t.number,
      displayId,
      search: `${displayId} ${t.title}`.toLowerCase(),
      title: t.title,
      type: t.type,
      aiFailed: t.aiFailed,
      statusId: t.statusId,
      statusName: statuses[statusIndex.get(t.statusId) ?? -1]?.name ?? 'Unknown',
      statusOrder: statusIndex.get(t.statusId) ?? statuses.length,
      assigneeName: assigneeName(lookups, t.assigneeId),
      labels: t.labels.flatMap((l) => lookups.labelsById.get(l.labelId) ?? []),
      updatedAt: t.updatedAt,
    };
  });
}

export function TicketTable({
  tickets,
  statuses,
  lookups,
}: {
  tickets: readonly BoardTicket[];
  statuses: readonly ProjectStatus[];
  lookups: BoardLookups;
}) {
  const router = useRouter();
  const data = useMemo(() => toRows(tickets, statuses, lookups), [tickets, statuses, lookups]);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'id', desc: true }]);
  const [columnVisibility, setColumnVisibility] = useState<ColumnVisibilityState>({});
  const [filters, setFilters] = useState<TicketTableFilters>({ text: '', type: null, statusId: null });
  // Typing stays responsive while 10,000 rows are filtered in a lower-priority render.
  const deferredFilters = useDeferredValue(filters);
  const columnFilters = useMemo<ColumnFiltersState>(
    () => [
      ...(deferredFilters.text.trim() ? [{ id: 'title', value: deferredFilters.text.trim() }] : []),
      ...(deferredFilters.type ? [{ id: 'type', value: deferredFilters.type }] : []),
      ...(deferredFilters.statusId ? [{ id: 'status', value: deferredFilters.statusId }] : []),
    ],
    [deferredFilters],
  );

  const table = useTable({
    features,
    columns,
    data,
    getRowId,
    state: { sorting, columnFilters, columnVisibility },
    onSortingChange: setSorting,
    onColumnVisibilityChange: setColumnVisibility,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });

  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => rows[index].id,
    overscan: 12,
  });

  const visibleColumns = table.getVisibleLeafColumns();
  const gridTemplateColumns = visibleColumns.map((c) => columnWidths[c.id] ?? '120px').join(' ');

  function open(row: TicketRow) {
    const path = ticketPath(lookups, row.number);
    if (path) router.push(path);
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <TicketTableToolbar
        filters={filters}
        onFiltersChange={setFilters}
        statuses={statuses}
        shown={rows.length}
        total={data.length}
        hideableColumns={table
          .getAllLeafColumns()
          .filter((c) => c.getCanHide())
          .map((c) => ({ id: c.id, label: columnLabels[c.id] ?? c.id, visible: c.getIsVisible(), toggle: (v: boolean) => c.toggleVisibility(v) }))}
      />
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" data-testid="ticket-table">
        <div role="table" aria-label="Tickets" aria-rowcount={rows.length + 1} className="min-w-fit text-sm">
          <div role="rowgroup" className="sticky top-0 z-10 border-b bg-background">
            {table.getHeaderGroups().map((group) => (
              <div role="row" aria-rowindex={1} key={group.id} className="grid" style={{ gridTemplateColumns }}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const SortIcon = sorted === 'asc' ? ArrowUp : sorted === 'desc' ? ArrowDown : ChevronsUpDown;
                  return (
                    <div
                      role="columnheader"
                      key={header.id}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                      className="flex h-9 items-center px-3 text-xs font-medium text-muted-foreground"
                    >
                      {header.column.getCanSort() ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="-mx-1.5 flex items-center gap-1 rounded px-1.5 py-1 outline-none hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
                        >
                          <table.FlexRender header={header} />
                          <SortIcon className={cn('size-3.5', !sorted && 'opacity-40')} aria-hidden />
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              const openable = row.original.number != null;
              return (
                <div
                  role="row"
                  key={row.id}
                  aria-rowindex={item.index + 2}
                  data-testid="ticket-row"
                  data-ticket-id={row.id}
                  tabIndex={0}
                  onClick={() => open(row.original)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') open(row.original);
                  }}
                  className={cn(
                    'absolute inset-x-0 top-0 grid border-b outline-none hover:bg-muted/60 focus-visible:bg-muted focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:ring-inset',
                    openable && 'cursor-pointer',
                  )}
                  style={{ gridTemplateColumns, height: rowHeight, transform: `translateY(${item.start}px)` }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div role="cell" key={cell.id} className="flex min-w-0 items-center overflow-hidden px-3 whitespace-nowrap">
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
        {rows.length === 0 && data.length > 0 && (
          <EmptyState
            className="m-6"
            icon={SearchX}
            title="No tickets match these filters"
            description="Try fewer words, or another type or status."
            action={
              <Button variant="outline" size="sm" onClick={() => setFilters({ text: '', type: null, statusId: null })}>
                Clear filters
              </Button>
            }
          />
        )}
      </div>
    </div>
  );
}
