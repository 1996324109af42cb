'use client';
import { ArrowDown, ArrowUp, Columns3, Trash2 } from 'lucide-react';
import { nanoid } from 'nanoid';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { useMutate } from '@/components/shell/use-mutate';
import { rankBetween } from '@/lib/tickets/rank';
import { mutators } from '@/zero/mutators';

type Status = { id: string; name: string; position: string };

/** Administrators rename, reorder, add and remove a project's status columns; the board updates live. */
export function EditColumnsDialog({ projectID, statuses }: { projectID: string; statuses: readonly Status[] }) {
  const mutate = useMutate();
  const [newName, setNewName] = useState('');
  const ordered = [...statuses].sort((a, b) => (a.position < b.position ? -1 : 1));

  function move(index: number, by: -1 | 1) {
    const target = index + by;
    if (target < 0 || target >= ordered.length) return;
    // Place it beyond its neighbour: between the neighbour and the one after it.
    const before = by === -1 ? ordered[target - 1]?.position : ordered[target].position;
    const after = by === -1 ? ordered[target].position : ordered[target + 1]?.position;
    void mutate(mutators.project.moveStatus({ id: ordered[index].id, position: rankBetween(before, after) }));
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    const name = newName.trim();
    if (!name) return;
    const failed = await mutate(
      mutators.project.addStatus({ id: nanoid(), projectID, name, position: rankBetween(ordered.at(-1)?.position, null) }),
    );
    if (!failed) setNewName('');
  }

  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Edit columns">
          <Columns3 aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent data-testid="edit-columns-dialog">
        <DialogHeader>
          <DialogTitle>Status columns</DialogTitle>
          <DialogDescription>Rename, reorder, add or remove columns. A column with tickets cannot be removed.</DialogDescription>
        </DialogHeader>
        <ul className="grid gap-2">
          {ordered.map((status, index) => (
            <li key={status.id} className="flex items-center gap-2" data-testid="column-editor-row">
              <Input
                aria-label={`Name of column ${status.name}`}
                defaultValue={status.name}
                maxLength={40}
                onBlur={(e) => {
                  const name = e.currentTarget.value.trim();
                  if (name && name !== status.name) void mutate(mutators.project.renameStatus({ id: status.id, name }));
                  else e.currentTarget.value = status.name;
                }}
                onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
              />
              <Button variant="ghost" size="icon" aria-label={`Move ${status.name} left`} disabled={index === 0} onClick={() => move(index, -1)}>
                <ArrowUp aria-hidden />
              </Button>
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Move ${status.name} right`}
                disabled={index === ordered.length - 1}
                onClick={() => move(index, 1)}
              >
                <ArrowDown aria-hidden />
              </Button>
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Remove ${status.name}`}
                disabled={ordered.length === 1}
                onClick={() => void mutate(mutators.project.removeStatus({ id: status.id }))}
              >
                <Trash2 aria-hidden />
              </Button>
            </li>
          ))}
        </ul>
        <form onSubmit={add} className="flex gap-2">
          <Input aria-label="New column name" placeholder="New column, e.g. QA" value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={40} />
          <Button type="submit" disabled={!newName.trim()}>
            Add column
          </Button>
        </form>
      </DialogContent>
    </Dialog>
  );
}
