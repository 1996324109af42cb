'use client';
import { useMemo, useState, type ReactNode } from 'react';
import { Input } from '@/components/ui/input';
import { Popover, PopoverContent, PopoverTrigger } from '@/components/ui/popover';
import { formatDisplayId } from '@/lib/tickets/display-id';
import type { Ticket } from '@/zero/schema.gen';

type TicketPickerProps = {
  trigger: ReactNode;
  /** the search field's accessible name, e.g. "Choose a parent ticket" */
  label: string;
  tickets: readonly Ticket[];
  projectKey: string;
  excludeIDs: ReadonlySet<string>;
  onPick: (ticket: Ticket) => void;
};

const shown = 50;

/** A searchable list of the project's tickets (by title or display id). Enter picks the first match. */
export function TicketPicker({ trigger, label, tickets, projectKey, excludeIDs, onPick }: TicketPickerProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return tickets
      .filter((t) => !excludeIDs.has(t.id) && t.number != null)
      .filter((t) => !q || t.title.toLowerCase().includes(q) || formatDisplayId(projectKey, t.number).toLowerCase().includes(q))
      .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
      .slice(0, shown);
  }, [tickets, excludeIDs, projectKey, query]);

  function pick(ticket: Ticket) {
    onPick(ticket);
    setOpen(false);
    setQuery('');
  }

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setQuery('');
      }}
    >
      <PopoverTrigger asChild>{trigger}</PopoverTrigger>
      <PopoverContent align="end" className="w-80 p-0">
        <Input
          autoFocus
          aria-label={label}
          placeholder={`Search by title or ${projectKey}-1`}
          className="rounded-b-none border-0 border-b shadow-none focus-visible:ring-0"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches[0]) {
              e.preventDefault();
              pick(matches[0]);
            }
          }}
        />
        <ul className="max-h-64 overflow-y-auto p-1">
          {matches.length === 0 && <li className="px-2 py-3 text-center text-sm text-muted-foreground">No matching tickets.</li>}
          {matches.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                data-testid="ticket-option"
                className="flex w-full items-center gap-2 rounded-sm px-2 py-1.5 text-left text-sm outline-none hover:bg-accent focus-visible:bg-accent"
                onClick={() => pick(t)}
              >
                <span className="shrink-0 font-mono text-xs text-muted-foreground">{formatDisplayId(projectKey, t.number)}</span>
                <span className="min-w-0 flex-1 truncate">{t.title}</span>
                <span className="shrink-0 text-xs text-muted-foreground capitalize">{t.type}</span>
              </button>
            </li>
          ))}
        </ul>
      </PopoverContent>
    </Popover>
  );
}
