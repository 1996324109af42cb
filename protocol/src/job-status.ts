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

/**
 * Statuses in which a job takes one of its runner's pool slots. Stopped and Waiting for
 * Input do not (they wait for a person, not for the machine), nor does Ready: a Ready job
 * that still names its runner was continued or answered and waits for a slot there.
 */
export const slotJobStatuses: readonly JobStatus[] = ['claimed', 'preparing', 'executing', 'running', 'syncing'];

/** Active, but waiting for a person or for a slot on its runner: no slot taken. */
export function holdsPoolSlot(status: JobStatus): boolean {
  return slotJobStatuses.includes(status);
}

/**
 * Handing a job back (→ Ready, for any runner that matches) is for jobs at work: a job that
 * waits for a person (Stopped, Waiting for Input) stays its runner's, whose folder it needs.
 */
export function canHandBack(status: JobStatus): boolean {
  return holdsPoolSlot(status) && canTransition(status, 'ready');
}

const allowed: Record<JobStatus, readonly JobStatus[]> = {
  ready: ['claimed', 'stopped', 'failed', 'error'],
  // Executing: a continued or answered job claimed again by the runner that holds it resumes where it was.
  // Ready from a working status: handed back by a draining runner (or, once it is gone, by the
  // heartbeat monitor), for any runner that matches; the job resumes from its last checkpoint.
  claimed: ['preparing', 'executing', 'ready', 'stopped', 'failed', 'error'],
  preparing: ['executing', 'ready', 'stopped', 'failed', 'error'],
  executing: ['running', 'waiting_for_input', 'syncing', 'ready', 'stopped', 'failed', 'error'],
  running: ['executing', 'waiting_for_input', 'syncing', 'completed', 'ready', 'stopped', 'failed', 'error'],
  // Ready: a person answered; the job waits for a free slot on the runner that holds it.
  waiting_for_input: ['executing', 'running', 'ready', 'stopped', 'failed', 'error'],
  syncing: ['completed', 'ready', 'stopped', 'failed', 'error'],
  // Continue resumes a stopped job from where it was: Ready again, for the runner that holds it.
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
