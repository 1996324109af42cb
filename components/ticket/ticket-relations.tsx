'use client';
import { Plus, X } from 'lucide-react';
import type { ReactNode } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { mutators } from '@/zero/mutators';
import type { Ticket } from '@/zero/schema.gen';
import { TicketLink } from './ticket-link';
import { TicketPicker } from './ticket-picker';
import type { TicketDetail } from './ticket-types';

type RelationsProps = { ticket: TicketDetail; projectKey: string; projectTickets: readonly Ticket[] };

function RelationSection({ title, testID, action, children }: { title: string; testID: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="grid gap-1.5" data-testid={testID} aria-label={title}>
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-medium text-muted-foreground">{title}</h3>
        {action}
      </div>
      {children}
    </section>
  );
}

function RelatedList({
  items,
  projectKey,
  removeLabel,
  onRemove,
}: {
  items: readonly Ticket[];
  projectKey: string;
  removeLabel?: (t: Ticket) => string;
  onRemove?: (t: Ticket) => void;
}) {
  if (items.length === 0) return <p className="text-sm text-muted-foreground">None</p>;
  return (
    <ul className="grid gap-0.5">
      {items.map((t) => (
        <li key={t.id} className="group flex items-center gap-1">
          <TicketLink ticket={t} projectKey={projectKey} className="flex-1" />
          {onRemove && removeLabel && (
            <Button
              variant="ghost"
              size="icon"
              className="size-6 opacity-60 group-hover:opacity-100"
              aria-label={removeLabel(t)}
              onClick={() => onRemove(t)}
            >
              <X className="size-3.5" />
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}

function AddButton({ label }: { label: string }) {
  return (
    <Button variant="ghost" size="icon" className="size-6" aria-label={label}>
      <Plus className="size-3.5" />
    </Button>
  );
}

/** Blocks / blocked by (add and remove) and the children, which are set from the child's Parent field. */
export function TicketRelations({ ticket, projectKey, projectTickets }: RelationsProps) {
  const mutate = useMutate();
  const blocks = ticket.blocks.flatMap((b) => b.blocked ?? []);
  const blockedBy = ticket.blockedBy.flatMap((b) => b.blocker ?? []);
  // Itself, tickets already listed, and the other direction (the server refuses mutual blocks).
  const taken = (list: readonly Ticket[]) => new Set([ticket.id, ...list.map((t) => t.id)]);

  return (
    <div className="grid gap-4">
      <RelationSection
        title="Blocks"
        testID="ticket-blocks"
        action={
          <TicketPicker
            trigger={<AddButton label="Add a ticket this one blocks" />}
            label="Choose a ticket this one blocks"
            tickets={projectTickets}
            projectKey={projectKey}
            excludeIDs={taken([...blocks, ...blockedBy])}
            onPick={(t) => void mutate(mutators.ticket.addBlock({ blockerID: ticket.id, blockedID: t.id }))}
          />
        }
      >
        <RelatedList
          items={blocks}
          projectKey={projectKey}
          removeLabel={(t) => `Stop blocking ${t.title}`}
          onRemove={(t) => void mutate(mutators.ticket.removeBlock({ blockerID: ticket.id, blockedID: t.id }))}
        />
      </RelationSection>
      <RelationSection
        title="Blocked by"
        testID="ticket-blocked-by"
        action={
          <TicketPicker
            trigger={<AddButton label="Add a ticket blocking this one" />}
            label="Choose a ticket blocking this one"
            tickets={projectTickets}
            projectKey={projectKey}
            excludeIDs={taken([...blockedBy, ...blocks])}
            onPick={(t) => void mutate(mutators.ticket.addBlock({ blockerID: t.id, blockedID: ticket.id }))}
          />
        }
      >
        <RelatedList
          items={blockedBy}
          projectKey={projectKey}
          removeLabel={(t) => `${t.title} no longer blocks this ticket`}
          onRemove={(t) => void mutate(mutators.ticket.removeBlock({ blockerID: t.id, blockedID: ticket.id }))}
        />
      </RelationSection>
      <RelationSection title="Children" testID="ticket-children">
        <RelatedList items={ticket.children} projectKey={projectKey} />
      </RelationSection>
    </div>
  );
}
