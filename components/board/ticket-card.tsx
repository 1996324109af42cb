'use client';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { memo, type KeyboardEvent } from 'react';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { cn } from '@/lib/cn';
import { LabelDots } from './label-dots';
import { TicketTypeIcon } from './ticket-type';
import { assigneeName, type BoardLookups, type BoardTicket } from './use-board-data';

/** What dnd-kit carries for a card; the board tells cards from columns by `type`. */
export type TicketDragData = { type: 'ticket' };

type TicketCardProps = { ticket: BoardTicket; lookups: BoardLookups };

const cardClass =
  'rounded-md border bg-card p-3 text-sm text-card-foreground shadow-xs outline-none select-none focus-visible:ring-[3px] focus-visible:ring-ring/50';

/**
 * The face of a card: shared by the card in its column and the one following the pointer.
 * Memoised because dnd-kit re-renders every sortable card on each pointer move of a drag.
 */
const TicketCardContent = memo(function TicketCardContent({ ticket, lookups }: TicketCardProps) {
  const assignee = assigneeName(lookups, ticket.assigneeId);
  const labels = ticket.labels.flatMap((l) => lookups.labelsById.get(l.labelId) ?? []);
  return (
    <>
      <div className="flex items-center gap-1.5 text-xs text-muted-foreground">
        <TicketTypeIcon type={ticket.type} />
        <span className="font-mono">{formatDisplayId(lookups.projectKey, ticket.number)}</span>
        {ticket.aiFailed && (
          <Badge variant="destructive" className="ml-auto">
            AI Failed
          </Badge>
        )}
      </div>
      <p className="mt-1.5 line-clamp-3 leading-snug font-medium break-words">{ticket.title}</p>
      {(labels.length > 0 || assignee) && (
        <div className="mt-2 flex min-h-6 items-center gap-2">
          <LabelDots labels={labels} />
          {assignee && <Avatar name={assignee} size="sm" className="ml-auto" />}
        </div>
      )}
    </>
  );
});

/** The copy under the pointer while dragging (inside dnd-kit's DragOverlay). */
export function TicketCardOverlay(props: TicketCardProps) {
  return (
    <div className={cn(cardClass, 'cursor-grabbing shadow-lg ring-1 ring-ring/40')}>
      <TicketCardContent {...props} />
    </div>
  );
}

export const SortableTicketCard = memo(function SortableTicketCard({
  ticket,
  lookups,
  onOpen,
}: TicketCardProps & { onOpen: (ticket: BoardTicket) => void }) {
  const data: TicketDragData = { type: 'ticket' };
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: ticket.id, data });
  const openable = ticket.number != null;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    listeners?.onKeyDown?.(event);
    // Space picks the card up (see the board's KeyboardSensor); Enter opens it unless it is being dragged.
    if (event.key === 'Enter' && !isDragging && !event.defaultPrevented) onOpen(ticket);
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dnd-kit's attributes give the card its role (button) and tabindex at run time.
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      onKeyDown={onKeyDown}
      onClick={() => onOpen(ticket)}
      data-testid="ticket-card"
      data-ticket-id={ticket.id}
      title={openable ? undefined : 'Saving… the ticket opens once the server has numbered it.'}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={cn(
        cardClass,
        'touch-manipulation hover:border-ring/60',
        openable ? 'cursor-pointer' : 'cursor-grab',
        isDragging && 'opacity-40',
      )}
    >
      <TicketCardContent ticket={ticket} lookups={lookups} />
    </div>
  );
});
