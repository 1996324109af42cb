'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ListTodo } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectSeparator, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { activeJobStatuses, jobStatusLabels, jobStatuses, type JobStatus } from '@spedy/protocol/job-status';
import { queries } from '@/zero/queries';
import { RelativeTime } from '@/components/ui/relative-time';
import { CreateJobDialog } from './create-job-dialog';
import { JobDetailDialog } from './job-detail-dialog';
import { JobStatusBadge } from './job-status-badge';
import { ScriptedModelBadge } from './scripted-model-badge';
import { SettingsTable } from '@/components/settings/settings-table';
import { can } from '@/lib/auth/permissions';
import { emptyJobUsage, jobUsageTotals } from '@/lib/jobs/usage';
import { listFigures } from './usage-figures';

const figureColumns = listFigures(emptyJobUsage).map((f) => f.label);

type Filter = 'all' | 'active' | JobStatus;

function statusesOf(filter: Filter): JobStatus[] | undefined {
  if (filter === 'all') return undefined;
  if (filter === 'active') return [...activeJobStatuses];
  return [filter];
}

const shown = 200;

export function JobsTab() {
  const org = useCurrentOrg();
  const [filter, setFilter] = useState<Filter>('all');
  const [openJobID, setOpenJobID] = useState<string | null>(null);
  const [jobs, { type }] = useQuery(queries.runners.jobs({ orgID: org.id, statuses: statusesOf(filter), limit: shown }));

  return (
    <section className="grid gap-4" aria-labelledby="jobs-title">
      <div className="grid gap-1">
        <h2 id="jobs-title" className="font-semibold">
          Jobs
        </h2>
        <p className="text-sm text-muted-foreground">Every job of {org.name}, newest first. Jobs stuck in Ready need an online runner with matching capabilities.</p>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2">
          <Label htmlFor="job-status-filter" className="text-muted-foreground">
            Status
          </Label>
          <Select value={filter} onValueChange={(v) => setFilter(v as Filter)}>
            <SelectTrigger id="job-status-filter" className="w-44" data-testid="job-status-filter">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">All statuses</SelectItem>
              <SelectItem value="active">Active</SelectItem>
              <SelectSeparator />
              {jobStatuses.map((s) => (
                <SelectItem key={s} value={s}>
                  {jobStatusLabels[s]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        {can(org.role, 'runners:manage') && <CreateJobDialog onCreated={setOpenJobID} />}
      </div>

      {jobs.length === 0 && type !== 'complete' ? (
        <div className="grid gap-2" aria-busy="true" aria-label="Loading jobs">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : jobs.length === 0 ? (
        <EmptyState
          icon={ListTodo}
          title={filter === 'all' ? 'No jobs yet' : 'No jobs with this status'}
          description={
            filter === 'all'
              ? 'Jobs appear when a ticket reaches a runner team’s working status, when someone @mentions a team, or when you create one by hand.'
              : 'Pick another status, or All statuses.'
          }
          data-testid="jobs-empty"
        />
      ) : (
        <SettingsTable caption="Jobs" columns={['Status', 'Title', 'Ticket', 'Runner', ...figureColumns, 'Created', 'Updated']} actionsLabel="Details" footer={jobs.length === shown && <p className="border-t px-3 py-2 text-xs text-muted-foreground">Showing the newest {shown} jobs; filter by status to see others.</p>}>
          {jobs.map((job) => (
            <tr key={job.id} data-testid="job-row" className="hover:bg-muted/40">
              <td className="px-3 py-2">
                <JobStatusBadge status={job.status} diminishingReturnsAt={job.diminishingReturnsAt} />
              </td>
              <td className="max-w-80 px-3 py-2">
                <Link href={`/${org.slug}/jobs/${job.id}`} className="block truncate font-medium hover:underline focus-visible:underline focus-visible:outline-none" data-testid="job-live-link">
                  {job.title}
                </Link>
              </td>
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                {job.ticket?.project ? formatDisplayId(job.ticket.project.key, job.ticket.number) : <span className="text-muted-foreground">—</span>}
              </td>
              <td className="px-3 py-2">
                {job.runner?.name ?? <span className="text-muted-foreground">—</span>} <ScriptedModelBadge runner={job.runner} />
              </td>
              {listFigures(jobUsageTotals(job.usage)).map((f) => (
                <td key={f.key} className="px-3 py-2 text-right font-mono text-xs tabular-nums whitespace-nowrap" title={f.title} data-testid={`job-${f.key}`}>
                  {f.value}
                </td>
              ))}
              <td className="px-3 py-2"><RelativeTime at={job.createdAt} /></td>
              <td className="px-3 py-2"><RelativeTime at={job.updatedAt} /></td>
              <td className="px-3 py-1 text-right">
                <Button variant="ghost" size="sm" onClick={() => setOpenJobID(job.id)} aria-label={`Details of ${job.title}`}>
                  Details
                </Button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      )}
      <JobDetailDialog jobID={openJobID} onClose={() => setOpenJobID(null)} />
    </section>
  );
}
