'use client';
import Link from 'next/link';
import { useCurrentOrg } from '@/components/shell/org-context';
import { cn } from '@/lib/cn';
import { formatDisplayId } from '@/lib/tickets/display-id';

type LinkedTicket = { id: string; number: number | null; title: string };

/** "SPD-12 Title" pointing at the ticket page; plain text until the server has numbered it. */
export function TicketLink({ ticket, projectKey, className }: { ticket: LinkedTicket; projectKey: string; className?: string }) {
  const org = useCurrentOrg();
  const displayId = formatDisplayId(projectKey, ticket.number);
  const content = (
    <>
      <span className="shrink-0 font-mono text-xs text-muted-foreground">{displayId}</span>
      <span className="truncate">{ticket.title}</span>
    </>
  );
  const classes = cn('flex min-w-0 items-center gap-2 text-sm', className);
  if (ticket.number == null) return <span className={classes}>{content}</span>;
  return (
    <Link href={`/${org.slug}/tickets/${displayId}`} className={cn(classes, 'hover:underline')}>
      {content}
    </Link>
  );
}
