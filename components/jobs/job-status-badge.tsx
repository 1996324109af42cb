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

/** The spec's status names, exactly (protocol/src/job-status.ts). */
export function JobStatusBadge({ status }: { status: string }) {
  if (!isJobStatus(status)) return <Badge variant="outline">{status}</Badge>;
  return (
    <Badge variant={variantOf[status]} data-testid="job-status" data-status={status}>
      {jobStatusLabels[status]}
    </Badge>
  );
}
