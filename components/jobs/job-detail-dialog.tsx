'use client';
import { useQuery } from '@rocicorp/zero/react';
import { format } from 'date-fns';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Skeleton } from '@/components/ui/skeleton';
import { formatDisplayId } from '@/lib/tickets/display-id';
import { canTransition } from '@spedy/protocol/job-status';
import { models } from '@spedy/protocol/models';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import { RelativeTime } from '@/components/ui/relative-time';
import { isJobStatus, JobStatusBadge } from './job-status-badge';
import { ScriptedModelBadge } from './scripted-model-badge';
import { useJobSnapshot } from './use-job-snapshot';
import { FeedItemView } from '@/components/jobs/feed-item';
import { CancelJobButton } from '@/components/jobs/cancel-job-button';
import { JobResponse } from '@/components/jobs/job-response';
import { useCanSteer } from '@/components/jobs/use-can-steer';
import { pendingRequest, toFeedItems } from '@/lib/jobs/event-feed';

/** How many of the newest feed items the details show; the live view has them all. */
const latestItems = 5;

const modelLabel = new Map<string, string>(models.map((m) => [m.id, m.label]));

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function ResultView({ result }: { result: unknown }) {
  if (result == null) return <span className="text-muted-foreground">None yet</span>;
  if (typeof result !== 'object') return <span>{String(result)}</span>;
  return (
    <dl className="grid gap-1">
      {Object.entries(result as Record<string, unknown>).map(([key, value]) => (
        <div key={key} className="flex gap-2 text-sm">
          <dt className="text-muted-foreground">{key}</dt>
          <dd className="min-w-0 break-words">
            {typeof value === 'string' && /^https?:\/\//.test(value) ? (
              <a href={value} target="_blank" rel="noopener noreferrer" className="underline underline-offset-2">
                {value}
              </a>
            ) : typeof value === 'object' ? (
              <code className="text-xs">{JSON.stringify(value)}</code>
            ) : (
              String(value)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function JobDetail({ jobID }: { jobID: string }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const canSteer = useCanSteer();
  const [job, { type }] = useQuery(queries.runners.job({ orgID: org.id, jobID }));
  const [events] = useQuery(queries.runners.jobEvents({ orgID: org.id, jobID, limit: 20 }));
  const snapshot = useJobSnapshot(org.id, jobID);

  if (!job) {
    return (
      <>
        <DialogTitle className="sr-only">Job</DialogTitle>
        {type === 'complete' ? (
          <p className="text-sm text-muted-foreground">This job no longer exists.</p>
        ) : (
          <div className="grid gap-2" aria-busy="true" aria-label="Loading the job">
            <Skeleton className="h-6 w-2/3" />
            <Skeleton className="h-24" />
          </div>
        )}
      </>
    );
  }
  const stages = snapshot?.success ? snapshot.data.pipeline.steps.flatMap((s) => s.stages) : [];
  const budget = snapshot?.success ? snapshot.data.budget : null;
  const stoppable = isJobStatus(job.status) && canTransition(job.status, 'stopped');
  const names = new Map(stages.map((s) => [s.id, s.name]));
  const stageName = (id: string | null) => (id ? (names.get(id) ?? id) : null);
  const latest = toFeedItems(events).slice(-latestItems);

  return (
    <div className="grid gap-5" data-testid="job-detail">
      <DialogHeader>
        <DialogTitle className="flex flex-wrap items-center gap-2 pr-6">
          <JobStatusBadge status={job.status} diminishingReturnsAt={job.diminishingReturnsAt} /> {job.title}
        </DialogTitle>
        <DialogDescription className="flex flex-wrap items-center gap-x-3">
          <span>
            {job.type === 'streaming' ? 'Streaming' : job.type === 'batch' ? 'Batch' : 'Board interaction'} job, created <RelativeTime at={job.createdAt} />.
          </span>
          <Link href={`/${org.slug}/jobs/${job.id}`} className="font-medium text-foreground underline underline-offset-2" data-testid="open-live-view">
            Open live view
          </Link>
        </DialogDescription>
      </DialogHeader>

      {job.statusReason && (
        <p className="rounded-md border bg-muted/40 p-3 text-sm" data-testid="job-reason">
          {job.statusReason}
        </p>
      )}

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Field label="Ticket">{job.ticket?.project ? formatDisplayId(job.ticket.project.key, job.ticket.number) : '—'}</Field>
        <Field label="Runner">
          {job.runner?.name ?? '—'} <ScriptedModelBadge runner={job.runner} />
        </Field>
        <Field label="Trigger">{snapshot?.success ? snapshot.data.trigger.kind : '—'}</Field>
        <Field label="Claimed">{job.claimedAt ? format(job.claimedAt, 'PPp') : '—'}</Field>
        <Field label="Finished">{job.finishedAt ? format(job.finishedAt, 'PPp') : '—'}</Field>
        <Field label="Budget">{budget?.maxCostUsd != null ? `$${budget.maxCostUsd}` : 'No cost limit'}</Field>
        <Field label="Requires">
          <span className="flex flex-wrap gap-1">
            {[...job.requiredCapabilities, ...job.requiredLabels].map((t) => (
              <Badge key={t} variant="outline">{t}</Badge>
            ))}
            {job.requiredCapabilities.length + job.requiredLabels.length === 0 && 'Any runner'}
          </span>
        </Field>
      </dl>

      <div className="grid gap-1.5">
        <h3 className="text-sm font-medium">Pipeline</h3>
        {snapshot?.success ? (
          <ol className="grid gap-1 text-sm">
            {snapshot.data.pipeline.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a pipeline step is known by its position (step 1, 2, …).
              <li key={i} className="flex flex-wrap gap-1.5">
                <span className="text-muted-foreground">{i + 1}.</span>
                {step.stages.map((s) => (
                  <Badge key={s.id} variant="secondary">
                    {s.name} · {modelLabel.get(s.model) ?? s.model}
                  </Badge>
                ))}
              </li>
            ))}
            {stages.length === 0 && <li className="text-muted-foreground">No stages.</li>}
          </ol>
        ) : snapshot === null ? (
          <Skeleton className="h-6" aria-label="Loading the pipeline" />
        ) : (
          <p className="text-sm text-muted-foreground">The snapshot of this job could not be read.</p>
        )}
        {snapshot?.success && snapshot.data.instructions && (
          <p className="max-h-32 overflow-y-auto rounded-md border p-2 text-sm whitespace-pre-wrap">{snapshot.data.instructions}</p>
        )}
      </div>

      <div className="grid gap-1.5">
        <h3 className="text-sm font-medium">Result</h3>
        <ResultView result={job.result} />
      </div>

      <div className="grid gap-1.5">
        <h3 className="text-sm font-medium">Latest events</h3>
        {latest.length === 0 ? (
          <p className="text-sm text-muted-foreground">No events yet.</p>
        ) : (
          <ol className="grid max-h-64 gap-1 overflow-y-auto rounded-md border p-1" data-testid="job-latest-events">
            {latest.map((item) => (
              <li key={item.seq} data-testid="feed-item" data-kind={item.kind} data-stage={item.stage ?? undefined}>
                <FeedItemView item={item} stageName={stageName} />
              </li>
            ))}
          </ol>
        )}
      </div>

      <JobResponse job={job} pending={pendingRequest(job.status, events)} />

      <div className="flex justify-end gap-2">
        <CancelJobButton job={job} />
        {stoppable && canSteer && (
          <ConfirmDialog
            trigger={<Button variant="outline">Stop job</Button>}
            title="Stop this job?"
            description={job.runnerId ? 'The runner is told to stop right away. You can continue a stopped job later.' : 'It will not be offered to runners any more.'}
            confirmLabel="Stop job"
            onConfirm={() => mutate(mutators.job.stop({ id: job.id }))}
          />
        )}
      </div>
    </div>
  );
}

export function JobDetailDialog({ jobID, onClose }: { jobID: string | null; onClose: () => void }) {
  return (
    <Dialog open={jobID != null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-2xl">{jobID && <JobDetail jobID={jobID} />}</DialogContent>
    </Dialog>
  );
}
