'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ChevronRight, SearchX, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Spinner } from '@/components/ui/spinner';
import { formatDisplayId, parseDisplayId } from '@/lib/tickets/display-id';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { CommentComposer } from './comment-composer';
import { CommentList } from './comment-list';
import { TicketRuns } from './ticket-runs';
import { TicketPullRequests } from './ticket-pull-requests';
import { EpicRunPanel } from '@/components/epics/epic-run-panel';
import { EpicRunBadge } from '@/components/epics/epic-run-badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { TicketDescription } from './ticket-description';
import { TicketSidebar } from './ticket-sidebar';
import { TicketTitle } from './ticket-title';
import type { ProjectWithStatuses, TicketDetail } from './ticket-types';
import { useOrgDirectory } from './use-org-directory';

export function TicketPageClient({ displayId }: { displayId: string }) {
  const org = useCurrentOrg();
  const router = useRouter();
  const mutate = useMutate();
  const [deleting, setDeleting] = useState(false);
  const parsed = parseDisplayId(displayId);
  const [project, projectResult] = useQuery(parsed && queries.project({ orgID: org.id, key: parsed.key }));
  const [ticket, ticketResult] = useQuery(
    parsed && project && queries.ticketDetail({ orgID: org.id, projectID: project.id, number: parsed.number }),
  );

  if (deleting) return <CenteredSpinner label="Deleting the ticket" />;
  if (!parsed) return <TicketNotFound />;
  // Another organization's ticket looks exactly like a missing one: the queries are scoped.
  if (!project) return projectResult.type === 'complete' ? <TicketNotFound /> : <TicketSkeleton />;
  if (!ticket) return ticketResult.type === 'complete' ? <TicketNotFound /> : <TicketSkeleton />;

  async function deleteTicket(id: string, boardHref: string) {
    setDeleting(true);
    const error = await mutate(mutators.ticket.delete({ id }));
    if (error) setDeleting(false);
    else router.push(boardHref);
  }

  return <TicketView ticket={ticket} project={project} onDelete={deleteTicket} />;
}

type TicketViewProps = {
  ticket: TicketDetail;
  project: ProjectWithStatuses;
  onDelete: (ticketID: string, boardHref: string) => Promise<void>;
};

function TicketView({ ticket, project, onDelete }: TicketViewProps) {
  const org = useCurrentOrg();
  const directory = useOrgDirectory(org.id);
  const [projectTickets] = useQuery(queries.boardTickets({ orgID: org.id, projectID: project.id }));
  const boardHref = `/${org.slug}/projects/${project.key}/board`;
  const displayId = formatDisplayId(project.key, ticket.number);

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <header className="flex items-center gap-2 border-b px-6 py-3 text-sm">
        <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1.5 text-muted-foreground">
          <Link href={boardHref} className="truncate hover:text-foreground hover:underline">
            {project.name}
          </Link>
          <ChevronRight className="size-3.5 shrink-0" aria-hidden />
          <span className="font-mono text-foreground" aria-current="page" data-testid="ticket-display-id">
            {displayId}
          </span>
        </nav>
        <EpicRunBadge ticketID={ticket.id} projectKey={project.key} />
        {ticket.aiFailed && (
          <Badge variant="destructive" data-testid="ai-failed-badge">
            AI Failed
          </Badge>
        )}
        <ConfirmDialog
          trigger={
            <Button variant="ghost" size="sm" className="ml-auto text-muted-foreground">
              <Trash2 /> Delete
            </Button>
          }
          title={`Delete ${displayId}?`}
          description="The ticket, its description and its comments are removed for everyone. Its children stay, without a parent. This cannot be undone."
          confirmLabel="Delete ticket"
          onConfirm={() => onDelete(ticket.id, boardHref)}
        />
      </header>

      <div className="mx-auto grid w-full max-w-6xl gap-8 px-6 py-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid min-w-0 content-start gap-8">
          <TicketTitle key={ticket.id} ticketID={ticket.id} title={ticket.title} />
          <TicketDescription key={`${ticket.id}-description`} ticketID={ticket.id} body={ticket.description?.body ?? ''} />
          {ticket.type === 'epic' && <EpicRunPanel epicID={ticket.id} project={project} />}
          <TicketRuns ticketID={ticket.id} />
          <TicketPullRequests ticketID={ticket.id} />
          <section className="grid gap-4" aria-labelledby="comments-heading">
            <h2 id="comments-heading" className="text-sm font-medium text-muted-foreground">
              Comments
            </h2>
            <CommentList comments={ticket.comments} directory={directory} currentUserID={org.userID} />
            <CommentComposer ticketID={ticket.id} candidates={directory.candidates} />
          </section>
        </div>
        <TicketSidebar
          orgID={org.id}
          ticket={ticket}
          project={project}
          projectTickets={projectTickets}
          people={directory.sortedPeople}
        />
      </div>
    </div>
  );
}

function TicketNotFound() {
  const org = useCurrentOrg();
  return (
    <div className="p-6">
      <EmptyState
        icon={SearchX}
        title="Ticket not found"
        description="It may have been deleted, or the link points to a ticket you cannot see."
        action={
          <Button variant="outline" asChild>
            <Link href={`/${org.slug}`}>Back to projects</Link>
          </Button>
        }
      />
    </div>
  );
}

function CenteredSpinner({ label }: { label: string }) {
  return (
    <div className="flex min-h-0 flex-1 items-center justify-center">
      <Spinner label={label} className="size-6 text-muted-foreground" />
    </div>
  );
}

function TicketSkeleton() {
  return (
    <div className="min-h-0 flex-1" aria-busy="true" aria-label="Loading the ticket">
      <div className="border-b px-6 py-3">
        <Skeleton className="h-5 w-48" />
      </div>
      <div className="mx-auto grid w-full max-w-6xl gap-8 px-6 py-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid content-start gap-4">
          <Skeleton className="h-9 w-2/3" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-5/6" />
          <Skeleton className="h-4 w-3/4" />
          <Skeleton className="mt-6 h-24 w-full" />
        </div>
        <div className="grid content-start gap-3">
          {Array.from({ length: 6 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows, all alike and never reordered.
            <Skeleton key={i} className="h-8 w-full" />
          ))}
        </div>
      </div>
    </div>
  );
}
