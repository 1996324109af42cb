// Syncing: each repository the stages changed gets one commit on the job's branch, pushed
// to its remote, and a pull request against its base branch. A repository left unchanged
// gets nothing.
import { commitJob } from '../git/commit.ts';
import { pushJobBranch } from '../git/push.ts';
import { gitCredentialsFor } from '@spedy/protocol/git-providers/access';
import { providerAccessFor } from '../providers/provider-access.ts';
import { openPullRequest } from '../providers/pull-requests.ts';
import { InfrastructureFailure } from './failures.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import { commitMessage, pullRequestBody, pullRequestTitle } from './pull-request-text.ts';

export interface DeliveredPullRequest {
  repository: string;
  url: string;
  number: number;
  branch: string;
}

export async function deliverPullRequests(run: JobRun): Promise<DeliveredPullRequest[]> {
  const { job } = run;
  const home = run.layout.home;
  const delivered: DeliveredPullRequest[] = [];
  for (const checkout of run.checkouts) {
    const { repository } = checkout;
    const sha = await commitJob(checkout, run.mask(commitMessage(job)), home);
    if (!sha) {
      run.emit(jobEvent.notice(`No changes in ${repository.fullName}: nothing to push.`));
      continue;
    }
    const access = providerAccessFor(repository, run.deps.providers);
    try {
      await pushJobBranch(checkout, { credentials: gitCredentialsFor(access), home });
    } catch (error) {
      throw new InfrastructureFailure(`Pushing ${checkout.branch} to ${repository.fullName} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!access) {
      throw new InfrastructureFailure(
        `The branch ${checkout.branch} is pushed to ${repository.fullName}, but Spedy has no ${repository.provider} integration to open the pull request with: connect one under Settings → Integrations.`,
      );
    }
    const opened = await openPullRequest(access, {
      fullName: repository.fullName,
      head: checkout.branch,
      base: repository.baseBranch,
      title: run.mask(pullRequestTitle(job)),
      body: run.mask(pullRequestBody(job, run.finishedStages(), checkout.branch)),
    });
    const pullRequest = { repository: repository.fullName, url: opened.url, number: opened.number, branch: checkout.branch };
    run.emit(jobEvent.pullRequest(pullRequest));
    delivered.push(pullRequest);
  }
  return delivered;
}
