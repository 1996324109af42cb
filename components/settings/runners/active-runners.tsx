'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Activity } from 'lucide-react';
import Link from 'next/link';
import { JobStatusBadge } from '@/components/jobs/job-status-badge';
import { ScriptedModelBadge } from '@/components/jobs/scripted-model-badge';
import { UsageLine } from '@/components/jobs/usage-figures';
import { useCurrentOrg } from '@/components/shell/org-context';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { jobUsageTotals } from '@/lib/jobs/usage';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { queries } from '@/zero/queries';

/** Each online runner, its active jobs and their figures as usage arrives (live through Zero). */
export function ActiveRunners() {
  const org = useCurrentOrg();
  const [runners, { type }] = useQuery(queries.runners.active({ orgID: org.id }));

  return (
    <section className="grid gap-3" aria-labelledby="active-runners-title" data-testid="active-runners">
      <div>
        <h2 id="active-runners-title" className="font-semibold">
          Active runners
        </h2>
        <p className="text-sm text-muted-foreground">Online runners and the jobs they are working on, with tokens, cache figures and cost as they arrive.</p>
      </div>
      {runners.length === 0 && type !== 'complete' ? (
        <Skeleton className="h-16" aria-busy="true" aria-label="Loading active runners" />
      ) : runners.length === 0 ? (
        <EmptyState icon={Activity} title="No runner is online" description="A runner appears here while its supervisor is connected." data-testid="active-runners-empty" />
      ) : (
        <ul className="grid gap-2">
          {runners.map((runner) => (
            <li key={runner.id} className="grid gap-2 rounded-lg border p-3" data-testid="active-runner" data-runner={runner.name}>
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-medium">{runner.name}</span>
                <ScriptedModelBadge runner={runner} />
                <span className="text-xs text-muted-foreground">
                  {runner.jobs.length} of pool {runner.poolSize}
                </span>
              </div>
              {runner.jobs.length === 0 ? (
                <p className="text-xs text-muted-foreground" data-testid="active-runner-idle">
                  Idle: waiting for a job.
                </p>
              ) : (
                <ul className="grid gap-1.5">
                  {runner.jobs.map((job) => (
                    <li key={job.id} className="grid gap-1 rounded-md bg-muted/40 px-3 py-2" data-testid="active-job" data-job={job.id}>
                      <div className="flex flex-wrap items-center gap-2 text-sm">
                        <JobStatusBadge status={job.status} />
                        {job.ticket?.project && (
                          <span className="font-mono text-xs">{formatDisplayId(job.ticket.project.key, job.ticket.number)}</span>
                        )}
                        <Link href={`/${org.slug}/jobs/${job.id}`} className="min-w-0 flex-1 truncate hover:underline focus-visible:underline">
                          {job.title}
                        </Link>
                      </div>
                      <UsageLine usage={jobUsageTotals(job.usage)} testId="active-job-usage" />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
