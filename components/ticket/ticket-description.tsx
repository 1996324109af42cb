'use client';
import { Pencil } from 'lucide-react';
import { useState } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/cn';
import { mutators } from '@/zero/mutators';

type Mode = 'write' | 'preview';

export function TicketDescription({ ticketID, body }: { ticketID: string; body: string }) {
  const mutate = useMutate();
  const [draft, setDraft] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('write');

  function edit() {
    setMode('write');
    setDraft(body);
  }

  async function save() {
    if (draft === null) return;
    const text = draft;
    setDraft(null);
    if (text === body) return;
    const error = await mutate(mutators.ticket.setDescription({ id: ticketID, body: text }));
    if (error) setDraft(text);
  }

  return (
    <section className="grid gap-2" aria-label="Description" data-testid="ticket-description">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-medium text-muted-foreground">Description</h2>
        {draft === null ? (
          <Button variant="ghost" size="sm" onClick={edit}>
            <Pencil /> Edit
          </Button>
        ) : (
          <div className="flex rounded-md border p-0.5" role="group" aria-label="Editor mode">
            {(['write', 'preview'] as const).map((m) => (
              <button
                key={m}
                type="button"
                aria-pressed={mode === m}
                className={cn(
                  'rounded-sm px-2 py-0.5 text-xs font-medium text-muted-foreground capitalize',
                  mode === m && 'bg-accent text-foreground',
                )}
                onClick={() => setMode(m)}
              >
                {m === 'write' ? 'Edit' : 'Preview'}
              </button>
            ))}
          </div>
        )}
      </div>

      {draft === null ? (
        body.trim() ? (
          <Markdown>{body}</Markdown>
        ) : (
          <button type="button" onClick={edit} className="rounded-md border border-dashed px-3 py-4 text-left text-sm text-muted-foreground hover:bg-accent">
            No description yet. Click to add one.
          </button>
        )
      ) : (
        <div className="grid gap-2">
          {mode === 'write' ? (
            <Textarea
              autoFocus
              aria-label="Description (markdown)"
              data-testid="description-input"
              className="min-h-48 font-mono text-sm"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                  e.preventDefault();
                  void save();
                }
              }}
            />
          ) : (
            <div className="min-h-48 rounded-md border px-3 py-2">
              {draft.trim() ? <Markdown>{draft}</Markdown> : <p className="text-sm text-muted-foreground">Nothing to preview.</p>}
            </div>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="outline" size="sm" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            <Button size="sm" onClick={() => void save()}>
              Save
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
