'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Archive, Hourglass, SearchX } from 'lucide-react';
import { useCallback, useMemo } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { latestProgress, pendingRequest, stageStates, usageTotals } from '@/lib/jobs/event-feed';
import { queries } from '@/zero/queries';
import { BudgetBar } from './budget-bar';
import { JobFeed } from './job-feed';
import { JobHeader } from './job-header';
import { JobKnowledge } from './job-knowledge';
import { JobResponse } from './job-response';
import { JobStages } from './job-stages';
import { UsageFigures } from './usage-figures';
import { useJobPresence } from './use-job-presence';
import { useJobSnapshot } from './use-job-snapshot';

/** The streaming job view: everything live through Zero (who did what, who is watching), no polling. */
export function JobPageClient({ jobID }: { jobID: string }) {
  const org = useCurrentOrg();
  const [job, jobResult] = useQuery(queries.runners.job({ orgID: org.id, jobID }));
  // The feed reads its own window of events (job-feed.tsx); the stages, what the job waits on and
  // its progress read the few events that set them, however many events the job has.
  const [milestones] = useQuery(queries.runners.jobMilestones({ orgID: org.id, jobID }));
  const [progressEvents] = useQuery(queries.runners.jobProgress({ orgID: org.id, jobID }));
  const [usageEvents] = useQuery(queries.runners.jobUsage({ orgID: org.id, jobID }));
  const [actions] = useQuery(queries.runners.jobActions({ orgID: org.id, jobID }));
  const watchers = useJobPresence(jobID);

  const usage = useMemo(() => usageTotals(usageEvents), [usageEvents]);
  const snapshot = useJobSnapshot(org.id, jobID);
  const status = job?.status ?? '';
  const pending = useMemo(() => pendingRequest(status, milestones), [status, milestones]);
  const progress = useMemo(() => latestProgress(progressEvents), [progressEvents]);
  const steps = useMemo(() => {
    const pipeline = snapshot?.success ? snapshot.data.pipeline.steps : [];
    const states = new Map(stageStates(pipeline.flatMap((s) => s.stages), milestones, pending).map((s) => [s.id, s]));
    return pipeline.map((step) => step.stages.map((s) => states.get(s.id)!));
  }, [snapshot, milestones, pending]);
  const names = useMemo(() => new Map(steps.flat().map((s) => [s.id, s.name])), [steps]);
  const stageName = useCallback((id: string | null) => (id ? (names.get(id) ?? id) : null), [names]);

  if (!job) {
    if (jobResult.type === 'complete') {
      return <EmptyState icon={SearchX} title="This job no longer exists" description="It may have been deleted, or the link is wrong." className="m-6" data-testid="job-missing" />;
    }
    return <JobSkeleton />;
  }

  const waitingForRunner = job.status === 'ready';

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="job-view" data-status={job.status}>
      <JobHeader job={job} watchers={watchers} />
      {snapshot?.success && (
        <BudgetBar spentUsd={usage.job.costUsd} limitUsd={snapshot.data.budget.maxCostUsd} warningThresholdPercent={snapshot.data.budget.warningThresholdPercent} />
      )}
      <div className="grid min-h-0 flex-1 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <main className="flex min-h-[24rem] flex-col lg:min-h-0">
          {waitingForRunner && (
            <p className="flex items-center gap-2 border-b bg-muted/40 px-6 py-2 text-sm" data-testid="job-waiting-for-runner">
              <Hourglass className="size-4" aria-hidden />
              {job.runner
                ? // Continued or answered: only the runner that holds its folder may take it back.
                  `Waiting for runner ${job.runner.name}${job.runner.status === 'online' ? ' to free a slot' : ', which is offline; the job goes on when it is back'}`
                : 'Waiting for a runner to pick this job up'}
            </p>
          )}
          {progress && (
            <p className="border-b bg-muted/40 px-6 py-2 text-sm" data-testid="job-progress" aria-live="polite">
              <span className="font-medium">Progress: </span>
              {progress.summary}
            </p>
          )}
          <div className="px-4 pt-3 empty:hidden">
            <JobResponse job={job} pending={pending} />
          </div>
          {job.compactedAt != null && (
            <p className="flex items-center gap-2 border-b bg-muted/40 px-6 py-2 text-sm" data-testid="job-compacted">
              <Archive className="size-4" aria-hidden />
              Detail compacted on {new Date(job.compactedAt).toLocaleDateString('en-US', { dateStyle: 'medium' })}: streamed text and long tool output were dropped after the
              organization’s retention; the summary, usage, results, pull requests and errors are kept.
            </p>
          )}
          <JobFeed
            orgID={org.id}
            jobID={jobID}
            emptyText={waitingForRunner ? 'Events appear here as soon as a runner starts the job.' : 'The runner has not reported anything yet.'}
            stageName={stageName}
            actions={actions}
          />
        </main>
        <aside className="grid content-start gap-5 overflow-y-auto border-t p-4 lg:border-t-0 lg:border-l" aria-label="Pipeline and usage">
          <section className="grid gap-2" aria-labelledby="usage-heading">
            <h2 id="usage-heading" className="text-sm font-medium">Usage</h2>
            <UsageFigures usage={usage.job} turns={job.usage?.turns ?? 0} testId="job-usage" />
          </section>
          <section className="grid gap-2" aria-labelledby="pipeline-heading">
            <h2 id="pipeline-heading" className="text-sm font-medium">Pipeline</h2>
            {snapshot?.success === false ? (
              <p className="text-sm text-muted-foreground">The snapshot of this job could not be read.</p>
            ) : (
              <JobStages steps={steps} usage={usage.byStage} />
            )}
          </section>
          <JobKnowledge orgID={org.id} jobID={jobID} stageName={stageName} />
        </aside>
      </div>
    </div>
  );
}

function JobSkeleton() {
  return (
    <div className="grid gap-3 p-6" aria-busy="true" aria-label="Loading the job" data-testid="job-loading">
      <Skeleton className="h-7 w-2/3" />
      <Skeleton className="h-4 w-1/3" />
      <div className="grid gap-3 lg:grid-cols-[1fr_20rem]">
        <Skeleton className="h-80" />
        <Skeleton className="h-80" />
      </div>
    </div>
  );
}
