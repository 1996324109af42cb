'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Check, Tag } from 'lucide-react';
import { nanoid } from 'nanoid';
import { useState, type FormEvent } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Popover, PopoverContent, PopoverTrigger } from '@/components/ui/popover';
import { cn } from '@/lib/cn';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

// Tailwind 600s as hex: the label mutator stores #rrggbb.
const swatches = ['#dc2626', '#ea580c', '#ca8a04', '#16a34a', '#0891b2', '#2563eb', '#7c3aed', '#db2777', '#525252'];

export function LabelDot({ color }: { color: string }) {
  return <span aria-hidden className="size-2 shrink-0 rounded-full" style={{ backgroundColor: color }} />;
}

type TicketLabelsProps = { orgID: string; ticketID: string; selectedIDs: ReadonlySet<string> };

export function TicketLabels({ orgID, ticketID, selectedIDs }: TicketLabelsProps) {
  const mutate = useMutate();
  const [labels] = useQuery(queries.labels({ orgID }));
  const [name, setName] = useState('');
  const [color, setColor] = useState(swatches[5]);
  const selected = labels.filter((l) => selectedIDs.has(l.id));

  function toggle(labelID: string) {
    const args = { ticketID, labelID };
    void mutate(selectedIDs.has(labelID) ? mutators.ticket.removeLabel(args) : mutators.ticket.addLabel(args));
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    const id = nanoid();
    const error = await mutate(mutators.label.create({ id, orgID, name: trimmed, color }));
    if (error) return;
    setName('');
    await mutate(mutators.ticket.addLabel({ ticketID, labelID: id }));
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {selected.map((l) => (
        <Badge key={l.id} variant="outline" data-testid="ticket-label">
          <LabelDot color={l.color} />
          {l.name}
        </Badge>
      ))}
      <Popover>
        <PopoverTrigger asChild>
          <Button variant="ghost" size="sm" className="h-6 px-2 text-xs text-muted-foreground">
            <Tag className="size-3" /> {selected.length ? 'Edit' : 'Add labels'}
          </Button>
        </PopoverTrigger>
        <PopoverContent align="end" className="w-64 p-1">
          <ul className="max-h-56 overflow-y-auto" aria-label="Labels">
            {labels.length === 0 && <li className="px-2 py-2 text-sm text-muted-foreground">No labels yet.</li>}
            {labels.map((l) => {
              const on = selectedIDs.has(l.id);
              return (
                <li key={l.id}>
                  <button
                    type="button"
                    aria-pressed={on}
                    className="flex w-full items-center gap-2 rounded-sm px-2 py-1.5 text-left text-sm outline-none hover:bg-accent focus-visible:bg-accent"
                    onClick={() => toggle(l.id)}
                  >
                    <Check className={cn('size-4', !on && 'invisible')} aria-hidden />
                    <LabelDot color={l.color} />
                    <span className="truncate">{l.name}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <form onSubmit={create} className="grid gap-2 border-t p-2">
            <Input
              aria-label="New label name"
              placeholder="New label"
              maxLength={40}
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="h-8"
            />
            <div className="flex flex-wrap items-center gap-1" role="radiogroup" aria-label="Label colour">
              {swatches.map((s) => (
                <button
                  key={s}
                  type="button"
                  role="radio"
                  aria-checked={color === s}
                  aria-label={s}
                  className={cn('size-5 rounded-full ring-offset-2 ring-offset-popover', color === s && 'ring-2 ring-ring')}
                  style={{ backgroundColor: s }}
                  onClick={() => setColor(s)}
                />
              ))}
              <input
                type="color"
                aria-label="Custom colour"
                className="size-6 cursor-pointer rounded border-0 bg-transparent p-0"
                value={color}
                onChange={(e) => setColor(e.target.value)}
              />
            </div>
            <Button type="submit" size="sm" disabled={!name.trim()}>
              Create label
            </Button>
          </form>
        </PopoverContent>
      </Popover>
    </div>
  );
}
