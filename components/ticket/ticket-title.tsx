'use client';
import { useRef, useState } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Input } from '@/components/ui/input';
import { mutators } from '@/zero/mutators';

/** Click to edit; Enter or leaving the field saves, Escape puts the old title back. */
export function TicketTitle({ ticketID, title }: { ticketID: string; title: string }) {
  const mutate = useMutate();
  const [draft, setDraft] = useState<string | null>(null);
  // Escape unmounts the input, and some browsers blur it on the way out: that blur must not save.
  const cancelled = useRef(false);

  function save() {
    if (draft === null) return;
    const next = draft.trim();
    setDraft(null);
    if (next && next !== title) void mutate(mutators.ticket.update({ id: ticketID, title: next }));
  }

  if (draft === null) {
    return (
      <h1 className="text-2xl font-semibold">
        <button
          type="button"
          data-testid="ticket-title"
          title="Click to edit the title"
          className="-mx-2 w-[calc(100%+1rem)] rounded-md px-2 py-1 text-left break-words outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
          onClick={() => {
            cancelled.current = false;
            setDraft(title);
          }}
        >
          {title}
        </button>
      </h1>
    );
  }

  return (
    <Input
      autoFocus
      aria-label="Ticket title"
      data-testid="ticket-title-input"
      maxLength={300}
      className="h-auto py-1 text-2xl font-semibold md:text-2xl"
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onFocus={(e) => e.currentTarget.select()}
      onBlur={() => !cancelled.current && save()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          save();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          cancelled.current = true;
          setDraft(null);
        }
      }}
    />
  );
}
