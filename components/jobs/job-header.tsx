'use client';
import { ExternalLink } from 'lucide-react';
import Link from 'next/link';
import { CancelJobButton } from '@/components/jobs/cancel-job-button';
import { RetryJobButtons } from '@/components/jobs/retry-job-buttons';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { JobBudgetButton } from '@/components/jobs/job-budget-button';
import { ScriptedModelBadge } from '@/components/jobs/scripted-model-badge';
import { isJobStatus, JobStatusBadge } from '@/components/jobs/job-status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Button } from '@/components/ui/button';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { pullRequestsOf } from '@/lib/jobs/event-feed';
import { canTransition } from '@spedy/protocol/job-status';
import { mutators } from '@/zero/mutators';
import { JobWatchers } from './job-watchers';
import { useCanSteer } from './use-can-steer';
import type { Watcher } from '@/lib/jobs/presence';

export type HeaderJob = {
  id: string;
  title: string;
  status: string;
  statusReason: string | null;
  /** The runner's "Diminishing returns" flag (a badge beside the status). */
  diminishingReturnsAt?: number | null;
  type: string;
  result: unknown;
  runnerId: string | null;
  teamId: string | null;
  /** The last checkpoint: "Retry from <stage>" resumes from it. */
  checkpoint?: JobCheckpoint | null;
  createdAt: number;
  runner?: { name: string; labels: readonly string[] | null } | null | undefined;
  ticket?: { number: number | null; project?: { key: string } | null | undefined } | null | undefined;
};

const typeLabel: Record<string, string> = { streaming: 'Streaming', batch: 'Batch', board_interaction: 'Board interaction' };

/** Status, title, who else is watching, ticket, runner, why it failed, its pull requests, Stop, Cancel and Retry. */
export function JobHeader({ job, watchers = [] }: { job: HeaderJob; watchers?: Watcher[] }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const canSteer = useCanSteer();
  const ticketId = job.ticket?.project ? formatDisplayId(job.ticket.project.key, job.ticket.number) : null;
  const pullRequests = pullRequestsOf(job.result);
  const stoppable = canSteer && isJobStatus(job.status) && canTransition(job.status, 'stopped');
  const failed = job.status === 'failed' || job.status === 'error';

  return (
    <header className="grid gap-2 border-b px-6 py-4">
      <div className="flex flex-wrap items-center gap-2">
        <JobStatusBadge status={job.status} diminishingReturnsAt={job.diminishingReturnsAt} />
        <h1 className="min-w-0 flex-1 truncate text-lg font-semibold" data-testid="job-title">
          {job.title}
        </h1>
        {stoppable && (
          <ConfirmDialog
            trigger={
              <Button variant="outline" size="sm" data-testid="stop-job">
                Stop
              </Button>
            }
            title="Stop this job?"
            description={job.runnerId ? 'The runner is told to stop right away. You can continue a stopped job later.' : 'It will not be offered to runners any more.'}
            confirmLabel="Stop job"
            onConfirm={() => mutate(mutators.job.stop({ id: job.id }))}
          />
        )}
        <JobWatchers watchers={watchers} />
        <JobBudgetButton job={job} />
        <CancelJobButton job={job} size="sm" />
        <RetryJobButtons job={job} />
      </div>
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-foreground">
        <span>
          {typeLabel[job.type] ?? job.type} job, created <RelativeTime at={job.createdAt} />
        </span>
        {ticketId && (
          <Link href={`/${org.slug}/tickets/${ticketId}`} className="font-mono text-foreground underline underline-offset-2" data-testid="job-ticket">
            {ticketId}
          </Link>
        )}
        <span className="inline-flex items-center gap-1.5" data-testid="job-runner">
          {job.runner ? <>Runner {job.runner.name}</> : 'No runner yet'} <ScriptedModelBadge runner={job.runner} />
        </span>
      </p>
      {job.statusReason && (
        <p className={failed ? 'rounded-md border border-destructive/40 bg-destructive/5 p-2 text-sm text-destructive' : 'text-sm text-muted-foreground'} data-testid="job-reason">
          {job.statusReason}
        </p>
      )}
      {pullRequests.length > 0 && (
        <ul className="flex flex-wrap gap-3 text-sm">
          {pullRequests.map((pr) => (
            <li key={pr.url}>
              <a href={pr.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 font-medium underline underline-offset-2" data-testid="job-pull-request">
                Pull request {pr.repository}#{pr.number} <ExternalLink className="size-3.5" aria-hidden />
              </a>
            </li>
          ))}
        </ul>
      )}
    </header>
  );
}
