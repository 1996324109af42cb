'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { JobStatusBadge } from '@/components/jobs/job-status-badge';
import { useCurrentOrg } from '@/components/shell/org-context';
import { pullRequestsOf } from '@/lib/jobs/event-feed';
import { queries } from '@/zero/queries';

/** The ticket's runner jobs, newest first, live: status, and the pull requests they opened. */
export function TicketRuns({ ticketID }: { ticketID: string }) {
  const org = useCurrentOrg();
  const [jobs] = useQuery(queries.teams.ticketJobs({ orgID: org.id, ticketID }));
  if (jobs.length === 0) return null;
  return (
    <section className="grid gap-2" aria-labelledby="runs-heading" data-testid="ticket-runs">
      <h2 id="runs-heading" className="text-sm font-medium text-muted-foreground">
        Runs
      </h2>
      <ul className="grid gap-1.5">
        {jobs.map((job) => {
          const pullRequests = pullRequestsOf(job.result);
          return (
            <li key={job.id} className="flex flex-wrap items-center gap-2 rounded-md border px-3 py-2 text-sm" data-testid="ticket-run" data-type={job.type}>
              <JobStatusBadge status={job.status} diminishingReturnsAt={job.diminishingReturnsAt} />
              <Link href={`/${org.slug}/jobs/${job.id}`} className="min-w-0 flex-1 truncate hover:underline focus-visible:underline" data-testid="open-job">
                {job.type === 'board_interaction' ? 'Board interaction' : job.title}
              </Link>
              {job.statusReason && <span className="text-xs text-muted-foreground">{job.statusReason}</span>}
              {pullRequests.map((pr) => (
                <a key={pr.url} href={pr.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-xs underline">
                  {pr.repository}#{pr.number} <ExternalLink className="size-3" aria-hidden />
                </a>
              ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
