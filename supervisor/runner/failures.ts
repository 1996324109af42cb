// How a job's run ends when it does not complete. Failed is for work that did not succeed
// (a stage's agent failed, validation retries ran out, stages conflicted); Error is for
// the infrastructure (Docker, git hosting, the model API). Stop unwinds the run to runJob.
import { toError } from '@spedy/protocol/errors';
import { dockerStatusCode } from '../container/docker-status.ts';
import { GitCommandError } from '../git/git-command.ts';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';

export class WorkFailure extends Error {
  override name = 'WorkFailure';
}

export class InfrastructureFailure extends Error {
  override name = 'InfrastructureFailure';
}

/** Thrown where a Stop (or the supervisor's shutdown) interrupts the run; `reason` is the signal's reason. */
export class JobStopped extends Error {
  override name = 'JobStopped';
  constructor(readonly reason: unknown) {
    super('The job was stopped.');
  }
}

/** The final status and the reason a person reads, for an error that ended the run. */
export function failureOutcome(error: unknown): { status: 'failed' | 'error'; reason: string } {
  if (error instanceof WorkFailure) return { status: 'failed', reason: error.message };
  if (error instanceof InfrastructureFailure) return { status: 'error', reason: error.message };
  if (error instanceof ProviderApiError) return { status: 'error', reason: error.message };
  if (error instanceof GitCommandError) return { status: 'error', reason: error.message };
  const err = toError(error);
  if (dockerStatusCode(err) !== undefined) return { status: 'error', reason: `The Docker engine refused a request: ${err.message}` };
  return { status: 'error', reason: `The runner failed: ${err.message}` };
}
