'use client';
import { useQuery } from '@rocicorp/zero/react';
import { CornerDownRight, ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { JobStatusBadge } from '@/components/jobs/job-status-badge';
import { UsageLine } from '@/components/jobs/usage-figures';
import { useCurrentOrg } from '@/components/shell/org-context';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/lib/cn';
import { pullRequestsOf } from '@/lib/jobs/event-feed';
import { groupRuns } from '@/lib/jobs/run-groups';
import { jobUsageTotals } from '@/lib/jobs/usage';
import { queries } from '@/zero/queries';

type TicketJob = ReturnType<typeof useTicketJobs>[number];

function useTicketJobs(ticketID: string) {
  const org = useCurrentOrg();
  const [jobs] = useQuery(queries.teams.ticketJobs({ orgID: org.id, ticketID }));
  return jobs;
}

/**
 * The ticket's runs, live: each root run with its follow-ups (retries, review retriggers)
 * beneath it, newest first; status, pull requests and usage figures for every one.
 */
export function TicketRuns({ ticketID }: { ticketID: string }) {
  const jobs = useTicketJobs(ticketID);
  const groups = useMemo(() => groupRuns(jobs), [jobs]);
  if (jobs.length === 0) return null;
  return (
    <section className="grid gap-2" aria-labelledby="runs-heading" data-testid="ticket-runs">
      <h2 id="runs-heading" className="text-sm font-medium text-muted-foreground">
        Runs
      </h2>
      <ul className="grid gap-1.5">
        {groups.map(({ root, followUps }) => (
          <li key={root.id} className="grid gap-1 rounded-md border px-3 py-2" data-testid="ticket-run-group" data-root={root.id}>
            <Run job={root} />
            {followUps.length > 0 && (
              <ul className="grid gap-1 border-l pl-3" aria-label={`Follow-ups of ${root.title}`}>
                {followUps.map((job) => (
                  <li key={job.id} className="flex gap-1.5" data-testid="ticket-follow-up" data-job={job.id}>
                    <CornerDownRight className="mt-1 size-3.5 shrink-0 text-muted-foreground" aria-hidden />
                    <Run job={job} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Run({ job }: { job: TicketJob }) {
  const org = useCurrentOrg();
  const pullRequests = pullRequestsOf(job.result);
  return (
    <div className={cn('grid min-w-0 flex-1 gap-1 text-sm')} data-testid="ticket-run" data-type={job.type} data-job={job.id}>
      <div className="flex flex-wrap items-center gap-2">
        <JobStatusBadge status={job.status} diminishingReturnsAt={job.diminishingReturnsAt} />
        <Link href={`/${org.slug}/jobs/${job.id}`} className="min-w-0 flex-1 truncate hover:underline focus-visible:underline" data-testid="open-job">
          {job.type === 'board_interaction' ? 'Board interaction' : job.title}
        </Link>
        <span className="text-xs text-muted-foreground">
          <RelativeTime at={job.createdAt} />
        </span>
      </div>
      {job.statusReason && <span className="text-xs text-muted-foreground">{job.statusReason}</span>}
      {pullRequests.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {pullRequests.map((pr) => (
            <a key={pr.url} href={pr.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-xs underline" data-testid="run-pull-request">
              {pr.repository}#{pr.number} <ExternalLink className="size-3" aria-hidden />
            </a>
          ))}
        </div>
      )}
      <UsageLine usage={jobUsageTotals(job.usage)} testId="run-usage" />
    </div>
  );
}
