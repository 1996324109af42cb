import { Badge } from '@/components/ui/badge';
import { jobStatusLabels, jobStatuses, type JobStatus } from '@spedy/protocol/job-status';

const variantOf: Record<JobStatus, 'default' | 'secondary' | 'outline' | 'destructive' | 'success' | 'warning'> = {
  ready: 'outline',
  claimed: 'secondary',
  preparing: 'secondary',
  executing: 'default',
  running: 'default',
  waiting_for_input: 'warning',
  syncing: 'default',
  completed: 'success',
  stopped: 'secondary',
  failed: 'destructive',
  error: 'destructive',
};

export function isJobStatus(value: string): value is JobStatus {
  return (jobStatuses as readonly string[]).includes(value);
}

/**
 * The spec's status names, exactly (protocol/src/job-status.ts), and beside the status the
 * runner's "Diminishing returns" flag when it raised one (job.diminishingReturnsAt).
 */
export function JobStatusBadge({ status, diminishingReturnsAt }: { status: string; diminishingReturnsAt?: number | null }) {
  const badge = isJobStatus(status) ? (
    <Badge variant={variantOf[status]} data-testid="job-status" data-status={status}>
      {jobStatusLabels[status]}
    </Badge>
  ) : (
    <Badge variant="outline">{status}</Badge>
  );
  if (diminishingReturnsAt == null) return badge;
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {badge}
      <Badge variant="warning" title="Three model turns in a row each produced under 500 output tokens" data-testid="job-diminishing-returns">
        Diminishing returns
      </Badge>
    </span>
  );
}
