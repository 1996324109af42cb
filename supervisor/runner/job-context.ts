// The seam between the supervisor's platform side (api/, streamer/, pool) and the code
// that runs one job (runner/, agent/, container/, git/). A job's run() gets one of these.
import type { JobStatus } from '@spedy/protocol/job-status';
import type { ClaimedJob, JobEventInput } from '@spedy/protocol/wire';

/**
 * An event for the platform's live job view (built by runner/job-events.ts from the schemas in
 * protocol/src/job-events.ts); the streamer numbers and batches it.
 */
export type JobEvent = Pick<JobEventInput, 'type' | 'payload'>;

export type ControlMessage =
  | { action: 'stop' }
  | { action: 'continue' }
  | { action: 'input'; text: string }
  | { action: 'approve'; text?: string };

export interface JobContext {
  job: ClaimedJob;
  /** Vault entries and git tokens from the bootstrap bundle (memory only), local overrides applied. */
  secrets: Record<string, string>;
  /** Where this job's workspace, agent HOME and logs live on the host (kept across Stop/Continue). */
  jobDir: string;
  /** Moves the job through the status machine on the platform (protocol/src/job-status.ts). */
  reportStatus(status: JobStatus, details?: { reason?: string; result?: Record<string, unknown> }): Promise<void>;
  /** Queues an event; never blocks on the network. */
  emit(event: JobEvent): void;
  /** Resolves with the next control message for this job (stop, continue, input, approve). */
  nextControl(): Promise<ControlMessage>;
  /** Aborted when the user presses Stop or the supervisor shuts down. */
  signal: AbortSignal;
}
