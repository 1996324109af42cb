'use client';
import { useQuery } from '@rocicorp/zero/react';
import Link from 'next/link';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Badge } from '@/components/ui/badge';
import { partOfEpicRunNotice } from '@/lib/epics/membership-notice';
import { isActiveEpicRun } from '@/lib/epics/status';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { queries } from '@/zero/queries';

/** While the ticket's Epic runs, the orchestrator moves it: its status trigger starts no ordinary job. */
export function EpicRunBadge({ ticketID, projectKey }: { ticketID: string; projectKey: string }) {
  const org = useCurrentOrg();
  const [nodes] = useQuery(queries.epics.runsOfTicket({ orgID: org.id, ticketID }));
  const active = nodes.find((n) => n.run && isActiveEpicRun(n.run.status));
  const epic = active?.run?.epic;
  if (!epic) return null;
  return (
    <Badge variant="secondary" asChild data-testid="epic-run-badge">
      <Link href={`/${org.slug}/tickets/${formatDisplayId(projectKey, epic.number)}`} title="Moving this ticket starts no job of its own: the epic run dispatches it.">
        {partOfEpicRunNotice} {formatDisplayId(projectKey, epic.number)}
      </Link>
    </Badge>
  );
}
