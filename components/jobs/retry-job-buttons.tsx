'use client';
import { nanoid } from 'nanoid';
import { useRouter } from 'next/navigation';
import { resumeStage, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import { Button } from '@/components/ui/button';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { useJobSnapshot } from '@/components/jobs/use-job-snapshot';
import { epicDisplayIdOfBranch } from '@/lib/epics/status';
import { mutators } from '@/zero/mutators';

/**
 * A Failed or Error job: Retry (the whole pipeline again) and, when its checkpoint left
 * stages to run, "Retry from <stage>" (only those stages). Each opens the new job, which
 * runs under the same root run. A job of an epic run is retried by the run (its ticket's
 * node gets the new sub-run): Retry opens the Epic, whose panel shows it; it has no "Retry from".
 */
export function RetryJobButtons({ job }: { job: { id: string; status: string; checkpoint?: JobCheckpoint | null } }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const router = useRouter();
  const snapshot = useJobSnapshot(org.id, job.id);
  if (job.status !== 'failed' && job.status !== 'error') return null;
  const epic = snapshot?.success ? snapshot.data.epic : undefined;
  const from = snapshot?.success && !epic ? resumeStage(snapshot.data.pipeline, job.checkpoint) : null;

  const retry = async (fromCheckpoint: boolean) => {
    const newID = nanoid();
    const refused = await mutate(mutators.job.retry({ id: job.id, newID, fromCheckpoint }));
    if (!refused) router.push(epic ? `/${org.slug}/tickets/${epicDisplayIdOfBranch(epic.branch)}` : `/${org.slug}/jobs/${newID}`);
  };

  return (
    <>
      {from && (
        <Button variant="outline" size="sm" onClick={() => retry(true)} data-testid="retry-job-from-stage">
          Retry from {from.name}
        </Button>
      )}
      <Button variant="outline" size="sm" onClick={() => retry(false)} data-testid="retry-job">
        Retry
      </Button>
    </>
  );
}
