// What may be retried, checked by the shared mutator (in the browser, without the snapshot)
// and again by the server (./retry.ts, with it). No database here.
import { resumeStage, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import { jobStatusLabels, type JobStatus } from '@spedy/protocol/job-status';
import type { PipelineSnapshot } from '@spedy/protocol/wire';

/** Why a job cannot be retried (from its checkpoint), or null: shared by the mutator's check and the server's write. */
export function retryRefusal(job: { status: string; checkpoint: JobCheckpoint | null }, pipeline: PipelineSnapshot | null, fromCheckpoint: boolean): string | null {
  if (job.status !== 'failed' && job.status !== 'error') {
    return `Only a Failed or Error job can be retried; this one is ${jobStatusLabels[job.status as JobStatus] ?? job.status}.`;
  }
  if (fromCheckpoint && (!job.checkpoint || (pipeline && !resumeStage(pipeline, job.checkpoint)))) {
    return 'This job has no checkpoint with stages left to run; retry the whole job instead.';
  }
  return null;
}
