// Syncing: each repository the stages changed gets one commit on the job's branch, pushed
// to its remote, and a pull request against its base branch. A repository left unchanged
// gets nothing. Before anything is pushed every branch is scanned for the job's secrets
// (git/push.ts); one finding anywhere and nothing is pushed at all. A review retrigger's
// open pull request gets its commit on its own branch instead (revision-delivery.ts).
import { commitJob } from '../git/commit.ts';
import { pushJobBranch, resetGitConfig, scanJobBranch, type SecretFinding } from '../git/push.ts';
import type { RepositoryCheckout } from '../git/checkout.ts';
import { gitCredentialsFor } from '@spedy/protocol/git-providers/access';
import { providerAccessFor } from '../providers/provider-access.ts';
import { openPullRequest } from '../providers/pull-requests.ts';
import { InfrastructureFailure, WorkFailure } from './failures.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun } from './job-run.ts';
import { commitMessage, pullRequestBody, pullRequestTitle } from './pull-request-text.ts';
import { repositoryTarget } from './review-target.ts';
import { pushFailure, reportRevision } from './revision-delivery.ts';
import { revisionCommitMessage, withFollowUpNote } from './revision-text.ts';

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
  const changed = new Map<RepositoryCheckout, string>();
  for (const checkout of run.checkouts) {
    await resetGitConfig(checkout);
    const revising = repositoryTarget(job.snapshot, checkout.repository.fullName).kind === 'revise' ? job.snapshot.review : undefined;
    const message = revising ? revisionCommitMessage(job, revising, run.secrets.mask) : commitMessage(job, run.secrets.mask);
    const sha = await commitJob(checkout, run.mask(message), home);
    if (sha) changed.set(checkout, sha);
    else run.emit(jobEvent.notice(`No changes in ${checkout.repository.fullName}: nothing to push.`));
  }
  const findings = new Map<RepositoryCheckout, SecretFinding[]>();
  for (const checkout of changed.keys()) {
    const found = await scanJobBranch(checkout, { home, find: (text) => run.secrets.find(text) });
    if (found.length > 0) findings.set(checkout, found);
  }
  if (findings.size > 0) throw new WorkFailure(secretsFoundReason(findings, run.checkouts.length > 1));

  for (const [checkout, sha] of changed) {
    const { repository } = checkout;
    const target = repositoryTarget(job.snapshot, repository.fullName);
    const access = providerAccessFor(repository, run.deps.providers);
    // The job's wall-clock limit counts pushing and opening the pull request too.
    run.limits.throwIfReached();
    try {
      await pushJobBranch(checkout, { credentials: gitCredentialsFor(access), home, signal: run.limits.signal });
    } catch (error) {
      run.limits.throwIfReached();
      throw pushFailure(checkout, target, error);
    }
    if (!access) {
      throw new InfrastructureFailure(
        `The branch ${checkout.branch} is pushed to ${repository.fullName}, but Spedy has no ${repository.provider} integration to open the pull request with: connect one under Settings → Integrations.`,
      );
    }
    if (target.kind === 'revise' && job.snapshot.review) {
      delivered.push(await reportRevision(run, access, job.snapshot.review, sha));
      continue;
    }
    const body = pullRequestBody(job, run.finishedStages(), checkout.branch, run.secrets.mask);
    const opened = await openPullRequest(
      access,
      {
        fullName: repository.fullName,
        head: checkout.branch,
        base: repository.baseBranch,
        title: run.mask(pullRequestTitle(job, run.secrets.mask)),
        body: run.mask(target.kind === 'follow-up' ? withFollowUpNote(target.pullRequest, body) : body),
      },
      run.limits.signal,
    ).catch((error: unknown) => {
      run.limits.throwIfReached();
      throw error;
    });
    const pullRequest = { repository: repository.fullName, url: opened.url, number: opened.number, branch: checkout.branch };
    run.emit(jobEvent.pullRequest(pullRequest));
    delivered.push(pullRequest);
  }
  return delivered;
}

/** Which secrets were found where, by name and file (never a value), and what to do. */
export function secretsFoundReason(findings: ReadonlyMap<RepositoryCheckout, SecretFinding[]>, nameRepositories: boolean): string {
  const parts: string[] = [];
  for (const [checkout, found] of findings) {
    const places = new Map<string, string[]>();
    for (const finding of found) {
      const where = finding.kind === 'plain' ? finding.where : `${finding.where} (${finding.kind})`;
      const list = places.get(finding.name) ?? [];
      if (!list.includes(where)) list.push(where);
      places.set(finding.name, list);
    }
    const described = [...places].map(([name, where]) => `${name} in ${where.join(', ')}`).join('; ');
    parts.push(nameRepositories ? `${checkout.repository.fullName}: ${described}` : described);
  }
  return (
    `Nothing was pushed: the job's branch holds secret values (${parts.join('. ')}). ` +
    'Have the agent keep secrets out of files and commit messages (read them from the environment at run time), then run the job again.'
  );
}
