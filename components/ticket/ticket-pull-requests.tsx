'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ExternalLink, RotateCcw, Ban } from 'lucide-react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import type { PullRequestState } from '@/lib/db/review-schema';
import { queries } from '@/zero/queries';

const stateBadges: Record<PullRequestState, { label: string; variant: 'success' | 'secondary' | 'outline' }> = {
  open: { label: 'Open', variant: 'outline' },
  merged: { label: 'Merged', variant: 'success' },
  closed: { label: 'Closed', variant: 'secondary' },
};

/**
 * The ticket's pull requests with their state as the host reports it, and what reviews on them
 * led to: a retriggered job, or the guard that refused one. Live: webhooks and the poller change both.
 */
export function TicketPullRequests({ ticketID }: { ticketID: string }) {
  const org = useCurrentOrg();
  const [pullRequests] = useQuery(queries.reviews.ticketPullRequests({ orgID: org.id, ticketID }));
  const [decisions] = useQuery(queries.reviews.ticketRetriggers({ orgID: org.id, ticketID }));
  if (pullRequests.length === 0 && decisions.length === 0) return null;
  return (
    <section className="grid gap-2" aria-labelledby="pull-requests-heading" data-testid="ticket-pull-requests">
      <h2 id="pull-requests-heading" className="text-sm font-medium text-muted-foreground">
        Pull requests
      </h2>
      <ul className="grid gap-1.5">
        {pullRequests.map((pr) => {
          const badge = stateBadges[pr.state];
          return (
            <li key={pr.id} className="flex flex-wrap items-center gap-2 text-sm" data-testid="ticket-pull-request" data-state={pr.state}>
              <Badge variant={badge.variant}>{badge.label}</Badge>
              <a href={pr.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 hover:underline">
                {pr.repository}#{pr.number} <ExternalLink className="size-3" aria-hidden />
              </a>
              {pr.branch && <code className="text-xs text-muted-foreground">{pr.branch}</code>}
            </li>
          );
        })}
      </ul>
      {decisions.length > 0 && (
        <ul className="grid gap-1" aria-label="Review retriggers">
          {decisions.map((d) => (
            <li key={d.id} className="flex items-start gap-1.5 text-xs" data-testid="review-retrigger" data-outcome={d.outcome} data-guard={d.guard ?? ''}>
              {d.outcome === 'refused' ? <Ban className="mt-0.5 size-3.5 shrink-0 text-warning" aria-hidden /> : <RotateCcw className="mt-0.5 size-3.5 shrink-0 text-success" aria-hidden />}
              <span className="min-w-0 flex-1">
                {d.message}
                {d.review && <span className="text-muted-foreground"> Review by {d.review.reviewer}{d.pullRequest ? ` on ${d.pullRequest.repository}#${d.pullRequest.number}` : ''}.</span>}
              </span>
              <span className="text-muted-foreground">
                <RelativeTime at={d.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
