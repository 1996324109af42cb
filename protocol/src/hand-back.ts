// Handing a job back: a supervisor that drains (SIGTERM: an upgrade or a restart) pauses its
// working jobs and makes them Ready for any runner whose labels match; the job resumes from its
// last checkpoint there. Jobs that wait for a person stay with their runner (job-status.ts
// canHandBack). The words are shared: the supervisor writes them, the platform writes them for
// a draining runner whose heartbeats stopped before it was done.

/** The Ready job's status reason, written by the draining supervisor. */
export function handedBackReason(runnerName?: string): string {
  return `Handed back: the runner ${runnerName ? `${runnerName} ` : ''}is restarting`;
}

/** The job feed's notice when the supervisor hands the job back. */
export const handedBackNotice = 'Handed back: the runner is restarting; the job resumes from its last checkpoint.';

/** The status reason of a job the platform hands back because its draining runner went away holding it. */
export function drainedRunnerReason(runnerName: string): string {
  return `Handed back: the runner ${runnerName} stopped while draining`;
}
