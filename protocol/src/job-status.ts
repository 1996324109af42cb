/**
 * The job status machine: the one table of allowed transitions, imported by the
 * platform and the supervisor alike.
 */
export const jobStatuses = [
  'ready',
  'claimed',
  'preparing',
  'executing',
  'running',
  'waiting_for_input',
  'syncing',
  'completed',
  'stopped',
  'failed',
  'error',
] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const jobStatusLabels: Record<JobStatus, string> = {
  ready: 'Ready',
  claimed: 'Claimed',
  preparing: 'Preparing',
  executing: 'Executing',
  running: 'Running',
  waiting_for_input: 'Waiting for Input',
  syncing: 'Syncing',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  error: 'Error',
};

/** Completed, Failed and Error are final; a retry is a new job under the same root run. */
export const finalJobStatuses: readonly JobStatus[] = ['completed', 'failed', 'error'];

/** Statuses in which a job counts as active for its ticket and its runner. */
export const activeJobStatuses: readonly JobStatus[] = jobStatuses.filter((s) => !finalJobStatuses.includes(s));

const allowed: Record<JobStatus, readonly JobStatus[]> = {
  ready: ['claimed', 'stopped', 'failed', 'error'],
  claimed: ['preparing', 'ready', 'stopped', 'failed', 'error'],
  preparing: ['executing', 'stopped', 'failed', 'error'],
  executing: ['running', 'waiting_for_input', 'syncing', 'stopped', 'failed', 'error'],
  running: ['executing', 'waiting_for_input', 'syncing', 'completed', 'stopped', 'failed', 'error'],
  waiting_for_input: ['executing', 'running', 'stopped', 'failed', 'error'],
  syncing: ['completed', 'stopped', 'failed', 'error'],
  // Continue resumes a stopped job from where it was; the runner picks it up again.
  stopped: ['ready', 'executing', 'failed', 'error'],
  completed: [],
  failed: [],
  error: [],
};

export function isFinalJobStatus(status: JobStatus): boolean {
  return finalJobStatuses.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return allowed[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`A job that is ${jobStatusLabels[from]} cannot become ${jobStatusLabels[to]}.`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
