'use client';
import { Pencil, X } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Separator } from '@/components/ui/separator';
import { rankBetween } from '@/lib/tickets/rank';
import { ticketTypes } from '@/lib/db/board-schema';
import { mutators } from '@/zero/mutators';
import type { Ticket } from '@/zero/schema.gen';
import { TicketAiBudgetField } from './ticket-ai-budget';
import { EpicTeamField } from '@/components/epics/epic-team-field';
import { TicketLabels } from './ticket-labels';
import { TicketLink } from './ticket-link';
import { TicketPicker } from './ticket-picker';
import { TicketRelations } from './ticket-relations';
import type { ProjectWithStatuses, TicketDetail } from './ticket-types';
import type { Person } from './use-org-directory';

// Radix Select has no empty value; this stands for "nobody".
const unassigned = 'unassigned';

type TicketSidebarProps = {
  orgID: string;
  ticket: TicketDetail;
  project: ProjectWithStatuses;
  projectTickets: readonly Ticket[];
  people: readonly Person[];
};

function Field({ label, htmlFor, children }: { label: string; htmlFor?: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[5.5rem_minmax(0,1fr)] items-center gap-2">
      {htmlFor ? (
        <label htmlFor={htmlFor} className="text-xs font-medium text-muted-foreground">
          {label}
        </label>
      ) : (
        <span className="text-xs font-medium text-muted-foreground">{label}</span>
      )}
      <div className="min-w-0">{children}</div>
    </div>
  );
}

/** After the last ticket already in that column, as if dropped at the bottom of it on the board. */
function rankAtEndOf(statusID: string, ticketID: string, tickets: readonly Ticket[]): string {
  let last: string | null = null;
  for (const t of tickets) {
    if (t.statusId === statusID && t.id !== ticketID && (last === null || t.rank > last)) last = t.rank;
  }
  return rankBetween(last, null);
}

export function TicketSidebar({ orgID, ticket, project, projectTickets, people }: TicketSidebarProps) {
  const mutate = useMutate();
  const id = useId();
  const update = (args: Omit<Parameters<typeof mutators.ticket.update>[0], 'id'>) =>
    void mutate(mutators.ticket.update({ id: ticket.id, ...args }));

  return (
    <aside className="grid content-start gap-3 lg:border-l lg:pl-6" aria-label="Ticket details">
      <Field label="Status" htmlFor={`${id}-status`}>
        <Select
          value={ticket.statusId}
          onValueChange={(statusID) =>
            statusID !== ticket.statusId &&
            void mutate(mutators.ticket.move({ id: ticket.id, statusID, rank: rankAtEndOf(statusID, ticket.id, projectTickets) }))
          }
        >
          <SelectTrigger id={`${id}-status`} size="sm" className="w-full" data-testid="ticket-status">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {project.statuses.map((s) => (
              <SelectItem key={s.id} value={s.id}>
                {s.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </Field>
      <Field label="Type" htmlFor={`${id}-type`}>
        <Select
          value={ticket.type}
          onValueChange={(value) => {
            const type = ticketTypes.find((t) => t === value);
            if (type && type !== ticket.type) update({ type });
          }}
        >
          <SelectTrigger id={`${id}-type`} size="sm" className="w-full capitalize" data-testid="ticket-type">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {ticketTypes.map((t) => (
              <SelectItem key={t} value={t} className="capitalize">
                {t}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </Field>
      <Field label="Assignee" htmlFor={`${id}-assignee`}>
        <Select
          value={ticket.assigneeId ?? unassigned}
          onValueChange={(value) => update({ assigneeID: value === unassigned ? null : value })}
        >
          <SelectTrigger id={`${id}-assignee`} size="sm" className="w-full" data-testid="ticket-assignee">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={unassigned}>Unassigned</SelectItem>
            {people.map((p) => (
              <SelectItem key={p.userID} value={p.userID}>
                {p.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </Field>
      <Field label="Labels">
        <TicketLabels orgID={orgID} ticketID={ticket.id} selectedIDs={new Set(ticket.labels.map((l) => l.labelId))} />
      </Field>
      <Field label="Parent">
        <div className="flex items-center gap-1" data-testid="ticket-parent">
          {ticket.parent ? (
            <TicketLink ticket={ticket.parent} projectKey={project.key} className="flex-1" />
          ) : (
            <span className="flex-1 text-sm text-muted-foreground">None</span>
          )}
          <TicketPicker
            trigger={
              <Button variant="ghost" size="icon" className="size-6" aria-label="Change parent">
                <Pencil className="size-3.5" />
              </Button>
            }
            label="Choose a parent ticket"
            tickets={projectTickets}
            projectKey={project.key}
            excludeIDs={new Set([ticket.id, ...(ticket.parentId ? [ticket.parentId] : [])])}
            onPick={(t) => update({ parentID: t.id })}
          />
          {ticket.parentId && (
            <Button variant="ghost" size="icon" className="size-6" aria-label="Remove parent" onClick={() => update({ parentID: null })}>
              <X className="size-3.5" />
            </Button>
          )}
        </div>
      </Field>
      {ticket.type === 'epic' && (
        <Field label="Runner team" htmlFor={`${id}-runner-team`}>
          <EpicTeamField epic={ticket} id={`${id}-runner-team`} />
        </Field>
      )}
      <Field label="AI budget">
        <TicketAiBudgetField ticket={ticket} />
      </Field>
      <Separator className="my-1" />
      <TicketRelations ticket={ticket} projectKey={project.key} projectTickets={projectTickets} />
    </aside>
  );
}
