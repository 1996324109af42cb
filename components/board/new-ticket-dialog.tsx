'use client';
import { nanoid } from 'nanoid';
import { useState, type FormEvent } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import type { TicketType } from '@/lib/tickets/hierarchy';
import { mutators } from '@/zero/mutators';
import { createTicketArgs } from '@/zero/mutators/ticket';
import { ticketTypeLooks, ticketTypeOptions, TicketTypeIcon } from './ticket-type';
import type { BoardProject, MemberOption } from './use-board-data';

// Radix Select reserves the empty string for "no value", so "nobody" needs a name of its own.
const unassigned = 'unassigned';

type NewTicketDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  project: BoardProject;
  members: readonly MemberOption[];
  /** The column to preselect; the first column otherwise. */
  statusId: string | undefined;
  /** The rank that puts a new ticket at the top of the given column. */
  rankAtTopOf: (statusId: string) => string;
};

export function NewTicketDialog({ open, onOpenChange, ...formProps }: NewTicketDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent data-testid="new-ticket-dialog">
        {/* Mounted per opening, so every new ticket starts from a clean form. */}
        <NewTicketForm {...formProps} onDone={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function NewTicketForm({
  project,
  members,
  statusId: initialStatusId,
  rankAtTopOf,
  onDone,
}: Omit<NewTicketDialogProps, 'open' | 'onOpenChange'> & { onDone: () => void }) {
  const mutate = useMutate();
  const [type, setType] = useState<TicketType>('task');
  const [statusId, setStatusId] = useState(initialStatusId ?? project.statuses[0]?.id ?? '');
  const [assigneeId, setAssigneeId] = useState(unassigned);
  const [error, setError] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createTicketArgs.safeParse({
      id: nanoid(),
      projectID: project.id,
      statusID: statusId,
      title: String(new FormData(event.currentTarget).get('title') ?? ''),
      type,
      rank: rankAtTopOf(statusId),
      assigneeID: assigneeId === unassigned ? null : assigneeId,
    });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Check the form and try again.');
    // Optimistic: the card shows at once; if the server refuses, Zero removes it and a toast says why.
    void mutate(mutators.ticket.create(parsed.data));
    onDone();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>New ticket</DialogTitle>
        <DialogDescription>
          Adds a ticket to the top of a column in {project.name}.
        </DialogDescription>
      </DialogHeader>
      <div className="grid gap-1.5">
        <Label htmlFor="new-ticket-title">Title</Label>
        <Input
          id="new-ticket-title"
          name="title"
          maxLength={300}
          autoFocus
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'new-ticket-error' : undefined}
          onChange={() => setError(null)}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="grid gap-1.5">
          <Label htmlFor="new-ticket-type">Type</Label>
          <Select value={type} onValueChange={(value) => setType(ticketTypeOptions.find((t) => t === value) ?? 'task')}>
            <SelectTrigger id="new-ticket-type" className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {ticketTypeOptions.map((t) => (
                <SelectItem key={t} value={t}>
                  <TicketTypeIcon type={t} /> {ticketTypeLooks[t].label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="new-ticket-status">Status</Label>
          <Select value={statusId} onValueChange={setStatusId}>
            <SelectTrigger id="new-ticket-status" className="w-full">
              <SelectValue placeholder="Pick a column" />
            </SelectTrigger>
            <SelectContent>
              {project.statuses.map((s) => (
                <SelectItem key={s.id} value={s.id}>
                  {s.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="new-ticket-assignee">Assignee</Label>
          <Select value={assigneeId} onValueChange={setAssigneeId}>
            <SelectTrigger id="new-ticket-assignee" className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={unassigned}>Unassigned</SelectItem>
              {members.map((m) => (
                <SelectItem key={m.userId} value={m.userId}>
                  {m.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>
      <FormError id="new-ticket-error">{error}</FormError>
      <DialogFooter>
        <Button type="submit">Create ticket</Button>
      </DialogFooter>
    </form>
  );
}
