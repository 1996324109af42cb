'use client';
import { useQuery } from '@rocicorp/zero/react';
import { CornerDownRight, ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { JobStatusBadge } from '@/components/jobs/job-status-badge';
import { formatCost, savingFigure, UsageLine } from '@/components/jobs/usage-figures';
import { useCurrentOrg } from '@/components/shell/org-context';
import { RelativeTime } from '@/components/ui/relative-time';
import { cn } from '@/lib/cn';
import { pullRequestsOf } from '@/lib/jobs/event-feed';
import { groupRuns } from '@/lib/jobs/run-groups';
import { emptyJobUsage, jobUsageTotals, sumJobUsage } from '@/lib/jobs/usage';
import { queries } from '@/zero/queries';

type TicketJob = ReturnType<typeof useTicketJobs>[number];

function useTicketJobs(ticketID: string) {
  const org = useCurrentOrg();
  const [jobs] = useQuery(queries.teams.ticketJobs({ orgID: org.id, ticketID }));
  return jobs;
}

/**
 * The ticket's runs, live: each root run with its follow-ups (retries, review retriggers)
 * beneath it, newest first; status, pull requests and usage figures (the cache saving
 * included) for every one, and the ticket's cost and cache saving over all of them.
 */
export function TicketRuns({ ticketID }: { ticketID: string }) {
  const jobs = useTicketJobs(ticketID);
  const groups = useMemo(() => groupRuns(jobs), [jobs]);
  const total = useMemo(() => jobs.map((job) => jobUsageTotals(job.usage)).reduce(sumJobUsage, emptyJobUsage), [jobs]);
  if (jobs.length === 0) return null;
  const saving = savingFigure(total.saving);
  return (
    <section className="grid gap-2" aria-labelledby="runs-heading" data-testid="ticket-runs">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="runs-heading" className="text-sm font-medium text-muted-foreground">
          Runs
        </h2>
        {/* The ticket's totals over all its runs: what they cost and what the cache saved (gross figures in the tooltip). */}
        <dl className="flex gap-4 text-xs" data-testid="ticket-runs-total" aria-label="All runs of this ticket">
          <div className="flex items-baseline gap-1">
            <dt className="text-muted-foreground">Cost</dt>
            <dd className="font-mono tabular-nums" data-testid="ticket-cost">
              {formatCost(total)}
            </dd>
          </div>
          <div className="flex items-baseline gap-1" title={saving.title}>
            <dt className="cursor-help text-muted-foreground underline decoration-dotted underline-offset-2">{saving.label}</dt>
            <dd className="font-mono tabular-nums" data-testid="ticket-cache-saving" aria-description={saving.title}>
              {saving.value}
            </dd>
          </div>
        </dl>
      </div>
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
