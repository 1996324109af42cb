'use client';
import { Columns3, FolderX, Inbox, Plus, Rows3, Settings } from 'lucide-react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Kbd } from '@/components/ui/kbd';
import { Skeleton } from '@/components/ui/skeleton';
import { cn } from '@/lib/cn';
import { rankAtTop } from './board-columns';
import { KanbanBoard } from './kanban-board';
import { NewTicketDialog } from './new-ticket-dialog';
import { TicketTable } from './ticket-table';
import { useBoardData } from './use-board-data';
import { useShortcut } from './use-shortcut';
import { can } from '@/lib/auth/permissions';
import { EditColumnsDialog } from './edit-columns-dialog';

type BoardView = 'board' | 'table';

function ViewToggle({ view }: { view: BoardView }) {
  const params = useSearchParams();
  function show(next: BoardView) {
    const query = new URLSearchParams(params);
    if (next === 'table') query.set('view', 'table');
    else query.delete('view');
    const search = query.toString();
    // Next.js keeps useSearchParams in step with the History API, without a server round trip.
    window.history.replaceState(null, '', search ? `?${search}` : window.location.pathname);
  }
  const options = [
    { value: 'board', label: 'Board', icon: Columns3 },
    { value: 'table', label: 'Table', icon: Rows3 },
  ] as const;
  return (
    <div role="group" aria-label="View" className="inline-flex rounded-md border bg-muted/50 p-0.5">
      {options.map(({ value, label, icon: Icon }) => (
        <button
          key={value}
          type="button"
          aria-pressed={view === value}
          onClick={() => show(value)}
          className={cn(
            'flex h-7 items-center gap-1.5 rounded px-2.5 text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50',
            view === value && 'bg-background text-foreground shadow-xs',
          )}
        >
          <Icon className="size-4" aria-hidden />
          {label}
        </button>
      ))}
    </div>
  );
}

function BoardSkeleton() {
  return (
    <div className="flex min-h-0 flex-1 flex-col" aria-busy="true" aria-label="Loading the board">
      <div className="flex items-center gap-3 border-b px-6 py-3">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="ml-auto h-8 w-40" />
      </div>
      <div className="flex flex-1 gap-3 overflow-hidden p-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="flex w-72 shrink-0 flex-col gap-2 rounded-lg bg-muted/60 p-2">
            <Skeleton className="h-5 w-24" />
            <Skeleton className="h-20" />
            <Skeleton className="h-20" />
            {i % 2 === 0 && <Skeleton className="h-20" />}
          </div>
        ))}
      </div>
    </div>
  );
}

export function BoardPageClient({ projectKey, projectID }: { projectKey: string; projectID: string | null }) {
  const org = useCurrentOrg();
  const { project, projectComplete, tickets, ticketsComplete, members, lookups } = useBoardData(projectKey, projectID);
  const view: BoardView = useSearchParams().get('view') === 'table' ? 'table' : 'board';
  const [creating, setCreating] = useState<{ statusId?: string } | null>(null);
  const openCreate = useCallback((statusId?: string) => setCreating({ statusId }), []);
  const rankAtTopOf = useCallback((statusId: string) => rankAtTop(tickets, statusId), [tickets]);
  useShortcut('c', openCreate, project != null && project.statuses.length > 0);

  if (!project) {
    if (!projectComplete) return <BoardSkeleton />;
    return (
      <div className="flex flex-1 items-center justify-center p-8">
        <EmptyState
          icon={FolderX}
          title="Project not found"
          description={`There is no project with the key ${projectKey} in ${org.name}.`}
          action={
            <Button asChild variant="outline">
              <Link href={`/${org.slug}`}>All projects</Link>
            </Button>
          }
        />
      </div>
    );
  }

  const loadingTickets = tickets.length === 0 && !ticketsComplete;
  const noTickets = tickets.length === 0 && ticketsComplete;
  const canCreate = project.statuses.length > 0;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b px-6 py-3">
        <h1 className="truncate text-lg font-semibold" data-testid="project-name">
          {project.name}
        </h1>
        <Badge variant="outline" className="font-mono">
          {project.key}
        </Badge>
        <div className="ml-auto flex items-center gap-2">
          <ViewToggle view={view} />
          {can(org.role, 'columns:manage') && <EditColumnsDialog projectID={project.id} statuses={project.statuses} />}
          <Button asChild variant="ghost" size="icon" aria-label="Project settings">
            <Link href={`/${org.slug}/projects/${project.key}/settings`}>
              <Settings aria-hidden />
            </Link>
          </Button>
          <Button size="sm" onClick={() => openCreate()} disabled={!canCreate}>
            <Plus aria-hidden /> New ticket
            <Kbd className="ml-1 border-primary-foreground/20 bg-primary-foreground/10 text-primary-foreground">C</Kbd>
          </Button>
        </div>
      </header>

      {!canCreate ? (
        <EmptyState className="m-6" icon={Columns3} title="This project has no columns" description="Add a status column in the project settings to start tracking tickets." />
      ) : loadingTickets ? (
        <div className="flex flex-1 gap-3 overflow-hidden p-4" aria-busy="true" aria-label="Loading tickets">
          {project.statuses.map((s) => (
            <div key={s.id} className="flex w-72 shrink-0 flex-col gap-2 rounded-lg bg-muted/60 p-2">
              <span className="px-1 text-sm font-semibold">{s.name}</span>
              <Skeleton className="h-20" />
              <Skeleton className="h-20" />
            </div>
          ))}
        </div>
      ) : (
        <>
          {noTickets && (
            <EmptyState
              className="mx-4 mt-4"
              icon={Inbox}
              title="No tickets yet"
              description="Tickets are the work in this project. Describe the first one and it lands at the top of its column."
              action={<Button onClick={() => openCreate()}>Create the first ticket</Button>}
            />
          )}
          {view === 'table' ? (
            !noTickets && <TicketTable tickets={tickets} statuses={project.statuses} lookups={lookups} />
          ) : (
            <KanbanBoard statuses={project.statuses} tickets={tickets} lookups={lookups} onCreate={openCreate} />
          )}
        </>
      )}

      <NewTicketDialog
        open={creating != null}
        onOpenChange={(open) => !open && setCreating(null)}
        project={project}
        members={members}
        statusId={creating?.statusId}
        rankAtTopOf={rankAtTopOf}
      />
    </div>
  );
}
