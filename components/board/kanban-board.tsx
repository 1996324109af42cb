'use client';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type Active,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type DroppableContainer,
  type Over,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useRouter } from 'next/navigation';
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { mutators } from '@/zero/mutators';
import type { ProjectStatus } from '@/zero/schema.gen';
import { dropSlot, groupByStatus, rankForDrop, ticketAfterSlot, type DropSlot, type Placement } from './board-columns';
import { KanbanColumn, type ColumnDropData } from './kanban-column';
import { TicketCardOverlay } from './ticket-card';
import { ticketPath, type BoardLookups, type BoardTicket } from './use-board-data';

type DropIndicator = { statusId: string; beforeID: string | null };

function columnOf(data: Active['data'] | Over['data'] | undefined): ColumnDropData | null {
  const value: unknown = data?.current;
  if (typeof value !== 'object' || value === null || !('type' in value) || value.type !== 'column') return null;
  return 'statusId' in value && typeof value.statusId === 'string' ? { type: 'column', statusId: value.statusId } : null;
}

/** The column a card sits in, as dnd-kit sortable records it (SortableContext id = status id). */
function cardColumnOf(container: DroppableContainer | undefined): string | null {
  const value: unknown = container?.data.current;
  if (typeof value !== 'object' || value === null || !('type' in value) || value.type !== 'ticket') return null;
  const sortable: unknown = 'sortable' in value ? value.sortable : null;
  if (typeof sortable !== 'object' || sortable === null || !('containerId' in sortable)) return null;
  return typeof sortable.containerId === 'string' ? sortable.containerId : null;
}

/**
 * A card under the pointer beats the column around it; in the gaps between cards the
 * next card down counts, so the landing spot does not flicker to the column's end.
 * Keyboard drags have no pointer and fall back to overlap (sortableKeyboardCoordinates
 * lines the dragged card up with its target), as does a pointer between columns.
 */
const boardCollision: CollisionDetection = (args) => {
  const { pointerCoordinates: pointer, droppableContainers, droppableRects } = args;
  const byID = (id: UniqueIdentifier) => droppableContainers.find((c) => c.id === id);
  const within = pointer ? pointerWithin(args) : [];
  const hits = within.length > 0 ? within : rectIntersection(args);
  const card = hits.find((hit) => cardColumnOf(byID(hit.id)) !== null);
  if (card) return [card];
  const columnHit = hits[0];
  const column = columnHit ? columnOf(byID(columnHit.id)?.data) : null;
  if (!pointer || !column || !columnHit) return hits.slice(0, 1);
  let next: { container: DroppableContainer; top: number } | null = null;
  for (const container of droppableContainers) {
    const rect = droppableRects.get(container.id);
    if (!rect || cardColumnOf(container) !== column.statusId || rect.bottom < pointer.y) continue;
    if (!next || rect.top < next.top) next = { container, top: rect.top };
  }
  return next ? [{ id: next.container.id, data: { droppableContainer: next.container, value: 0 } }] : [columnHit];
};

// Only Space picks a card up, so Enter on a resting card can open the ticket (see SortableTicketCard); either key drops.
const keyboardCodes = { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] };

export function KanbanBoard({
  statuses,
  tickets,
  lookups,
  onCreate,
}: {
  statuses: readonly ProjectStatus[];
  tickets: readonly BoardTicket[];
  lookups: BoardLookups;
  onCreate: (statusId: string) => void;
}) {
  const router = useRouter();
  const mutate = useMutate();
  const dndID = useId();
  const [placements, setPlacements] = useState<ReadonlyMap<string, Placement>>(() => new Map());
  const placementSeq = useRef(0);
  const [activeID, setActiveID] = useState<string | null>(null);
  const [indicator, setIndicator] = useState<DropIndicator | null>(null);

  const statusIDs = useMemo(() => statuses.map((s) => s.id), [statuses]);
  const columns = useMemo(() => groupByStatus(statusIDs, tickets, placements), [statusIDs, tickets, placements]);
  const shownByID = useMemo(() => {
    const byID = new Map<string, BoardTicket>();
    for (const column of columns.values()) for (const t of column) byID.set(t.id, t);
    return byID;
  }, [columns]);

  const sensors = useSensors(
    // A few pixels of travel before a drag starts, so a click still opens the ticket.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates, keyboardCodes }),
  );

  const onOpen = useCallback(
    (ticket: BoardTicket) => {
      const path = ticketPath(lookups, ticket.number);
      if (path) router.push(path);
    },
    [lookups, router],
  );

  /** Where the active card would land over `over`, and whether that is over a column's empty space. */
  function slotFor(active: Active, over: Over | null): { slot: DropSlot; overColumn: boolean } | null {
    if (!over) return null;
    const activeTicketID = String(active.id);
    const column = columnOf(over.data);
    if (column) {
      return { slot: dropSlot(columns.get(column.statusId) ?? [], column.statusId, activeTicketID, null, false), overColumn: true };
    }
    const overTicket = shownByID.get(String(over.id));
    if (!overTicket) return null;
    const dragged = active.rect.current.translated;
    const below = dragged != null && dragged.top + dragged.height / 2 > over.rect.top + over.rect.height / 2;
    const slot = dropSlot(columns.get(overTicket.statusId) ?? [], overTicket.statusId, activeTicketID, overTicket.id, below);
    return { slot, overColumn: false };
  }

  // Within its own column a card is shown moving by dnd-kit sortable; elsewhere a line marks the landing spot.
  function trackDrop({ active, over }: DragMoveEvent) {
    const target = slotFor(active, over);
    const fromStatus = shownByID.get(String(active.id))?.statusId;
    const next: DropIndicator | null =
      target && (target.overColumn || target.slot.statusId !== fromStatus)
        ? {
            statusId: target.slot.statusId,
            beforeID: ticketAfterSlot(columns.get(target.slot.statusId) ?? [], String(active.id), target.slot.index)?.id ?? null,
          }
        : null;
    setIndicator((prev) => (prev?.statusId === next?.statusId && prev?.beforeID === next?.beforeID ? prev : next));
  }

  async function moveTicket(id: string, statusId: string, rank: string) {
    const seq = ++placementSeq.current;
    setPlacements((prev) => new Map(prev).set(id, { statusId, rank, seq }));
    try {
      // Zero applies the move locally at once and rolls it back (with a toast) if the server refuses.
      await mutate(mutators.ticket.move({ id, statusID: statusId, rank }));
    } finally {
      setPlacements((prev) => {
        if (prev.get(id)?.seq !== seq) return prev;
        const next = new Map(prev);
        next.delete(id);
        return next;
      });
    }
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    setActiveID(null);
    setIndicator(null);
    const ticket = shownByID.get(String(active.id));
    const target = slotFor(active, over);
    if (!ticket || !target) return;
    const rank = rankForDrop(columns.get(target.slot.statusId) ?? [], ticket, target.slot);
    if (rank !== null) void moveTicket(ticket.id, target.slot.statusId, rank);
  }

  const describe = (id: Active['id']) => {
    const t = shownByID.get(String(id));
    return t ? `${formatDisplayId(lookups.projectKey, t.number)} ${t.title}` : 'the ticket';
  };
  const statusName = (over: Over) => {
    const statusId = columnOf(over.data)?.statusId ?? shownByID.get(String(over.id))?.statusId;
    return statuses.find((s) => s.id === statusId)?.name ?? 'a column';
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${describe(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `${describe(active.id)} is over ${statusName(over)}.` : `${describe(active.id)} is outside the columns.`),
    onDragEnd: ({ active, over }) => (over ? `${describe(active.id)} dropped in ${statusName(over)}.` : `${describe(active.id)} put back.`),
    onDragCancel: ({ active }) => `Moving ${describe(active.id)} was cancelled; it is back where it was.`,
  };

  const activeTicket = activeID ? shownByID.get(activeID) : undefined;

  return (
    <DndContext
      id={dndID}
      sensors={sensors}
      collisionDetection={boardCollision}
      accessibility={{ announcements }}
      onDragStart={({ active }: DragStartEvent) => setActiveID(String(active.id))}
      onDragMove={trackDrop}
      onDragOver={trackDrop}
      onDragEnd={onDragEnd}
      onDragCancel={() => {
        setActiveID(null);
        setIndicator(null);
      }}
    >
      <div className="flex min-h-0 flex-1 gap-3 overflow-x-auto p-4" data-testid="kanban-board">
        {statuses.map((status) => (
          <KanbanColumn
            key={status.id}
            status={status}
            tickets={columns.get(status.id) ?? []}
            lookups={lookups}
            draggingID={activeTicket?.statusId === status.id ? activeTicket.id : null}
            dropBeforeID={indicator?.statusId === status.id ? indicator.beforeID : undefined}
            onOpen={onOpen}
            onCreate={onCreate}
          />
        ))}
      </div>
      <DragOverlay>{activeTicket ? <TicketCardOverlay ticket={activeTicket} lookups={lookups} /> : null}</DragOverlay>
    </DndContext>
  );
}
