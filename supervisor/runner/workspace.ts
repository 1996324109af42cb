// Preparing: the job's folders and a clone of every repository of the snapshot at its
// base branch, on the job's branch; a job claimed with a checkpoint starts from it instead
// (checkpoint.ts). Safe to run again after Continue.
import { checkoutRepository, CheckpointMissingError } from '../git/checkout.ts';
import { checkpointOf, recordLocally, resumeFromCheckpoint } from './checkpoint.ts';
import { gitCredentialsFor } from '@spedy/protocol/git-providers/access';
import { providerAccessFor } from '../providers/provider-access.ts';
import { InfrastructureFailure, JobStopped } from './failures.ts';
import { jobEvent } from './job-events.ts';
import { prepareJobLayout } from './job-layout.ts';
import type { JobRun } from './job-run.ts';

export async function prepareWorkspace(run: JobRun): Promise<void> {
  // First: it may remove a stale workspace, which the layout then creates anew.
  const resumed = await resumeFromCheckpoint(run);
  await prepareJobLayout(run.layout);
  const checkouts = [];
  for (const [index, repository] of run.job.snapshot.repositories.entries()) {
    run.controls.throwIfStopped();
    run.limits.throwIfReached();
    const folder = run.repositoryFolders[index]!;
    // An epic run's jobs start from the run's branch, with the work other tickets landed on it.
    const from = run.job.snapshot.epic?.branch ?? repository.baseBranch;
    try {
      const checkout = await checkoutRepository({
        repository,
        dir: run.layout.repository(folder),
        branch: run.branch,
        from,
        credentials: gitCredentialsFor(providerAccessFor(repository, run.deps.providers)),
        home: run.layout.home,
        // The job's wall-clock limit counts the clone too.
        signal: AbortSignal.any([run.controls.stopSignal, run.limits.signal]),
        checkpoint: checkpointOf(run, repository.fullName),
      });
      checkouts.push(checkout);
      run.emit(jobEvent.notice(`${repository.fullName} is checked out from ${from}${from === run.branch ? '' : ` on ${run.branch}`} in /workspace/${folder}.`));
    } catch (error) {
      if (run.controls.stopSignal.aborted) throw new JobStopped(run.controls.stopSignal.reason);
      run.limits.throwIfReached();
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof CheckpointMissingError) throw new InfrastructureFailure(`${message} Retry the whole job instead.`);
      throw new InfrastructureFailure(`Cloning ${repository.fullName} at ${from} failed: ${message}`);
    }
  }
  run.checkouts = checkouts;
  if (resumed) await recordLocally(run, resumed);
}
