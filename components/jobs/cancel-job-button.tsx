'use client';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Button } from '@/components/ui/button';
import { isJobStatus } from '@/components/jobs/job-status-badge';
import { activeJobStatuses } from '@spedy/protocol/job-status';
import { mutators } from '@/zero/mutators';
import { useCanSteer } from './use-can-steer';

/** Statuses in which the job waits for a person; there the button says "End the job". */
const waiting = new Set(['stopped', 'waiting_for_input']);

/**
 * Cancel for every job that is not over: it fails (the ticket gets the failure status and
 * the AI Failed badge); a runner holding it stops the agent first.
 */
export function CancelJobButton({ job, size }: { job: { id: string; status: string; runnerId: string | null }; size?: 'sm' | 'default' }) {
  const mutate = useMutate();
  const canSteer = useCanSteer();
  if (!canSteer || !isJobStatus(job.status) || !activeJobStatuses.includes(job.status)) return null;
  const ends = waiting.has(job.status);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size={size} data-testid="cancel-job">
          {ends ? 'End the job' : 'Cancel'}
        </Button>
      }
      title={ends ? 'End this job?' : 'Cancel this job?'}
      description={
        job.runnerId
          ? 'The runner stops the agent and the job fails as cancelled by you; it cannot be continued. Its ticket moves to the failure status.'
          : 'It fails at once as cancelled by you and is never offered to a runner. Its ticket moves to the failure status.'
      }
      confirmLabel={ends ? 'End the job' : 'Cancel job'}
      onConfirm={() => mutate(mutators.job.cancel({ id: job.id }))}
    />
  );
}
