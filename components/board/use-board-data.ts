'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useMemo } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { projectKeySchema } from '@/lib/board/project-key';
import type { Label, Project, ProjectStatus, Ticket, TicketLabel } from '@/zero/schema.gen';
import { queries } from '@/zero/queries';

export type BoardProject = Project & { readonly statuses: readonly ProjectStatus[] };
export type BoardTicket = Ticket & { readonly labels: readonly TicketLabel[] };
export type MemberOption = { userId: string; name: string };

/** What a card or a table row needs besides the ticket itself; changes rarely, so memoised views can share it. */
export type BoardLookups = {
  orgSlug: string;
  projectKey: string;
  labelsById: ReadonlyMap<string, Label>;
  /** user id → display name */
  memberNames: ReadonlyMap<string, string>;
};

const noTickets: readonly BoardTicket[] = [];

/** The ticket page, or null while the server has not numbered the ticket yet. */
export function ticketPath(lookups: BoardLookups, number: number | null): string | null {
  return number == null ? null : `/${lookups.orgSlug}/tickets/${formatDisplayId(lookups.projectKey, number)}`;
}

/** Who a ticket is assigned to, by name; null when nobody is. */
export function assigneeName(lookups: BoardLookups, assigneeId: string | null): string | null {
  if (!assigneeId) return null;
  // Zero keeps the assignment after the person left the organization (the foreign key is on the user).
  return lookups.memberNames.get(assigneeId) ?? 'Former member';
}

/** `projectID`: the project's id when the server found it, so the tickets are asked for together with the project. */
export function useBoardData(projectKey: string, projectID: string | null = null) {
  const org = useCurrentOrg();
  const key = projectKey.toUpperCase();
  // A malformed key cannot match a project; asking would only fail argument validation.
  const validKey = projectKeySchema.safeParse(key).success;
  const [project, projectResult] = useQuery(validKey && queries.project({ orgID: org.id, key }));
  const ticketsProjectID = projectID ?? project?.id;
  const [tickets, ticketsResult] = useQuery(ticketsProjectID !== undefined && queries.boardTickets({ orgID: org.id, projectID: ticketsProjectID }));
  const [members] = useQuery(queries.members({ orgID: org.id }));
  const [labels] = useQuery(queries.labels({ orgID: org.id }));

  const memberOptions = useMemo<MemberOption[]>(
    () =>
      members
        .map((m) => ({ userId: m.userId, name: m.user?.name ?? m.user?.email ?? 'Unknown member' }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [members],
  );

  const canonicalKey = project?.key ?? key;
  const lookups = useMemo<BoardLookups>(
    () => ({
      orgSlug: org.slug,
      projectKey: canonicalKey,
      labelsById: new Map(labels.map((l) => [l.id, l])),
      memberNames: new Map(memberOptions.map((m) => [m.userId, m.name])),
    }),
    [org.slug, canonicalKey, labels, memberOptions],
  );

  const boardProject: BoardProject | undefined = project;
  const boardTickets: readonly BoardTicket[] = tickets ?? noTickets;
  return {
    project: boardProject,
    projectComplete: !validKey || projectResult.type === 'complete',
    tickets: boardTickets,
    ticketsComplete: ticketsResult.type === 'complete',
    members: memberOptions,
    lookups,
  };
}
