// The seam between the supervisor's platform side (api/, streamer/, the job lifecycle) and
// the code that does one job's work (runner/, agent/, container/, git/). A job's work gets
// one of these; the lifecycle (job-lifecycle.ts) makes it and decides how the job ended.
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import type { ClaimedJob, JobEventInput } from '@spedy/protocol/wire';
import type { JobSecrets, StatusDetails } from './job-secrets.ts';

/**
 * An event for the platform's live job view (built by runner/job-events.ts from the schemas in
 * protocol/src/job-events.ts); the streamer numbers and batches it.
 */
export type JobEvent = Pick<JobEventInput, 'type' | 'payload'>;

export type ControlMessage =
  | { action: 'stop' }
  | { action: 'continue' }
  | { action: 'input'; text: string }
  | { action: 'approve'; text?: string }
  /** The plan is sent back with the person's requested change (pipeline.ts). */
  | { action: 'revise'; text: string }
  /** `reason`: the Failed reason the platform wrote ("Cancelled by …"). */
  | { action: 'cancel'; reason: string };

/** How the work says the job ended: the lifecycle reports it, after the events, last. */
export type JobEnd = { status: 'completed'; result: Record<string, unknown> } | { status: 'failed' | 'error'; reason: string };

export interface JobContext {
  job: ClaimedJob;
  /** Vault entries and git tokens from the bootstrap bundle (memory only), local overrides applied. */
  secrets: Record<string, string>;
  /** Every value of the job that must not leave the supervisor, and the masker that hides them. */
  secretSet: JobSecrets;
  /** Where this job's workspace, agent HOME and logs live on the host (kept across Stop/Continue). */
  jobDir: string;
  /** The status last reported (the claimed job's until the first report). */
  readonly status: JobStatus;
  /** Moves the job through the status machine on the platform (protocol/src/job-status.ts); the reason and result are masked. */
  reportStatus(status: JobStatus, details?: StatusDetails): Promise<void>;
  /** Records the job's checkpoint on the platform (its outputs already masked by the caller). */
  saveCheckpoint(checkpoint: JobCheckpoint): Promise<void>;
  /** Queues an event (masked); never blocks on the network. */
  emit(event: JobEvent): void;
  /** Resolves with the next control message for this job (stop, continue, input, approve). */
  nextControl(): Promise<ControlMessage>;
  /** Aborted when the user presses Stop or Cancel, or the supervisor shuts down. */
  signal: AbortSignal;
}
