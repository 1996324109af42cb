// A job's part in an epic run (wire.ts epicRunPart) on the runner. All of the run's work goes
// to one branch, `epic/<display-id>`, in every repository of the job:
// - a reset runs no agent stage: the branch is set to the repository's base branch;
// - a sub-run's stages work on a checkout of the branch (workspace.ts), and its delivery lands
//   the work as one commit on it, rebased onto whatever other sub-runs landed first, with no
//   pull request (git/epic-branch.ts);
// - a closing job runs no agent stage: one pull request per repository from the branch to its base.
// Like every delivery, a sub-run's commits are scanned for the job's secrets before anything is pushed.
import type { EpicBranchHead } from '@spedy/protocol/job-events';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { gitCredentialsFor } from '@spedy/protocol/git-providers/access';
import { CancelReason } from '../container/cancel-reason.ts';
import { commitJob } from '../git/commit.ts';
import type { RepositoryCheckout } from '../git/checkout.ts';
import { EpicBranchBusyError, EpicBranchConflictError, EpicBranchLandingError, landOnBranches, resetBranchToBase } from '../git/epic-branch.ts';
import { runGit } from '../git/git-command.ts';
import { resetGitConfig, scanJobBranch, type SecretFinding } from '../git/push.ts';
import { openPullRequest } from '../providers/pull-requests.ts';
import { secretsFoundReason, type DeliveredPullRequest } from './delivery.ts';
import { InfrastructureFailure, JobStopped, WorkFailure } from './failures.ts';
import type { JobEnd } from './job-context.ts';
import { jobEvent } from './job-events.ts';
import { prepareJobLayout } from './job-layout.ts';
import type { JobRun } from './job-run.ts';
import { commitMessage, pullRequestTitle } from './pull-request-text.ts';
import { prepareWorkspace } from './workspace.ts';

/** A reset or a closing job: an epic run's step with no agent stage. */
export function runsNoAgent(snapshot: JobSnapshot): boolean {
  return snapshot.epic?.role === 'reset' || snapshot.epic?.role === 'closing';
}

function epicPart(run: JobRun) {
  const epic = run.job.snapshot.epic;
  if (!epic) throw new Error(`Job ${run.job.id} is not part of an epic run.`);
  return epic;
}

async function remoteAccess(run: JobRun, checkout: Pick<RepositoryCheckout, 'repository'>, signal: AbortSignal) {
  return { credentials: gitCredentialsFor(await run.providerAccess(checkout.repository)), home: run.layout.home, signal };
}

/**
 * A reset or a closing job, start to end: Preparing (the closing job's clones of the branch),
 * Executing (no stage), Syncing (the reset's pushes, the closing job's pull requests).
 */
export async function runEpicBranchJob(run: JobRun): Promise<JobEnd | undefined> {
  const epic = epicPart(run);
  try {
    await run.status.report('preparing');
    await prepareJobLayout(run.layout);
    if (epic.role === 'closing') await prepareWorkspace(run);
    await run.status.report('executing');
    await run.status.report('syncing');
    const result =
      epic.role === 'reset' ? { pullRequests: [], epicBranch: await resetEpicBranch(run) } : await openEpicPullRequests(run);
    await run.status.settled();
    return { status: 'completed', result };
  } catch (error) {
    const stopped = error instanceof JobStopped ? error.reason : run.controls.stopSignal.aborted ? run.controls.stopSignal.reason : undefined;
    if (stopped === undefined) throw error;
    // Cancel and the supervisor's shutdown: the lifecycle decides. There is no stage a Stop could pause.
    if (stopped !== CancelReason.StoppedByUser) return undefined;
    throw new WorkFailure(`Stopped before the epic run's ${epic.role === 'reset' ? 'reset' : 'pull requests'} finished; it has no stage to continue: retry the job.`);
  }
}

/** The reset: the branch at the base branch's commit in every repository. */
async function resetEpicBranch(run: JobRun): Promise<EpicBranchHead[]> {
  const { branch } = epicPart(run);
  const heads: EpicBranchHead[] = [];
  for (const [index, repository] of run.job.snapshot.repositories.entries()) {
    run.controls.throwIfStopped();
    run.limits.throwIfReached();
    const signal = AbortSignal.any([run.controls.stopSignal, run.limits.signal]);
    const commit = await resetBranchToBase(repository, branch, run.layout.repository(run.repositoryFolders[index]!), await remoteAccess(run, { repository }, signal)).catch(
      (error: unknown) => {
        run.controls.throwIfStopped();
        run.limits.throwIfReached();
        throw new InfrastructureFailure(`Setting ${branch} to ${repository.baseBranch} in ${repository.fullName} failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    run.emit(jobEvent.notice(`${branch} in ${repository.fullName} is set to ${repository.baseBranch} (${commit.slice(0, 12)}).`));
    heads.push({ repository: repository.fullName, branch, commit });
  }
  return heads;
}

/** The sub-run's delivery: its work as one commit per repository it changed, landed on the branch. No pull request. */
export async function landOnEpicBranch(run: JobRun): Promise<EpicBranchHead[]> {
  const { branch } = epicPart(run);
  const home = run.layout.home;
  const changed: RepositoryCheckout[] = [];
  for (const checkout of run.checkouts) {
    await resetGitConfig(checkout);
    if (await commitJob(checkout, run.mask(commitMessage(run.job, run.secrets.mask)), home)) changed.push(checkout);
    else run.emit(jobEvent.notice(`No changes in ${checkout.repository.fullName}: nothing to land on ${branch}.`));
  }
  const findings = new Map<RepositoryCheckout, SecretFinding[]>();
  for (const checkout of changed) {
    const found = await scanJobBranch(checkout, { home, find: (text) => run.secrets.find(text) });
    if (found.length > 0) findings.set(checkout, found);
  }
  if (findings.size > 0) throw new WorkFailure(secretsFoundReason(findings, run.checkouts.length > 1));

  // Every repository it changed rebases cleanly first, so a conflict in one lands none (git/epic-branch.ts).
  const landings = await landOnBranches(changed, (checkout) => {
    run.limits.throwIfReached();
    return remoteAccess(run, checkout, run.limits.signal);
  }).catch((error: unknown) => {
    run.limits.throwIfReached();
    if (error instanceof EpicBranchConflictError) {
      throw new WorkFailure(
        `This ticket's work conflicts with what other tickets of the epic landed on ${branch} in ${error.repository} since it started: ${error.files.join(', ')}. ` +
          'Retry it (it starts again from the branch as it is now), or have the tickets change separate parts of the files.',
      );
    }
    if (error instanceof EpicBranchBusyError) throw new InfrastructureFailure(`${error.message} Retry the ticket.`);
    if (error instanceof EpicBranchLandingError) throw new InfrastructureFailure(`Landing the work on ${branch} in ${error.repository} failed: ${error.message}`);
    throw error;
  });
  const heads: EpicBranchHead[] = [];
  for (const { checkout, commit, attempts } of landings) {
    const { fullName } = checkout.repository;
    if (!commit) {
      run.emit(jobEvent.notice(`The work is already on ${branch} in ${fullName}: nothing to land.`));
      continue;
    }
    const after = attempts > 1 ? ` (rebased onto ${attempts - 1 === 1 ? 'another landing' : `${attempts - 1} other landings`} that came first)` : '';
    run.emit(jobEvent.notice(`Landed ${commit.slice(0, 12)} on ${branch} in ${fullName}${after}.`));
    heads.push({ repository: fullName, branch, commit });
  }
  return heads;
}

/** The closing job's delivery: a pull request from the branch to its base in every repository where the branch holds work. */
async function openEpicPullRequests(run: JobRun): Promise<{ pullRequests: DeliveredPullRequest[]; epicBranch: EpicBranchHead[] }> {
  const { branch } = epicPart(run);
  const home = run.layout.home;
  const pullRequests: DeliveredPullRequest[] = [];
  const epicBranch: EpicBranchHead[] = [];
  for (const checkout of run.checkouts) {
    const { repository } = checkout;
    const base = `refs/remotes/origin/${repository.baseBranch}`;
    const subjects = (await runGit(['log', '--reverse', '--format=%s', `${base}..HEAD`], { cwd: checkout.dir, home })).stdout.split('\n').filter(Boolean);
    if (subjects.length === 0) {
      run.emit(jobEvent.notice(`${branch} in ${repository.fullName} holds nothing beyond ${repository.baseBranch}: no pull request.`));
      continue;
    }
    const commit = (await runGit(['rev-parse', 'HEAD'], { cwd: checkout.dir, home })).stdout.trim();
    const access = await run.providerAccess(repository);
    if (!access) {
      throw new InfrastructureFailure(
        `The epic's work is on ${branch} in ${repository.fullName}, but Spedy has no ${repository.provider} integration to open the pull request with: connect one under Settings → Integrations.`,
      );
    }
    run.limits.throwIfReached();
    const opened = await openPullRequest(
      access,
      {
        fullName: repository.fullName,
        head: branch,
        base: repository.baseBranch,
        title: run.mask(pullRequestTitle(run.job, run.secrets.mask)),
        body: run.mask(epicPullRequestBody(run, subjects)),
      },
      run.limits.signal,
    ).catch((error: unknown) => {
      run.limits.throwIfReached();
      throw error;
    });
    const pullRequest = { repository: repository.fullName, url: opened.url, number: opened.number, branch };
    run.emit(jobEvent.pullRequest(pullRequest));
    pullRequests.push(pullRequest);
    epicBranch.push({ repository: repository.fullName, branch, commit });
  }
  if (pullRequests.length === 0) run.emit(jobEvent.notice(`No repository holds work on ${branch}, so there is no pull request.`));
  return { pullRequests, epicBranch };
}

const maxDescription = 4_000;

/** The Epic's pull request: the Epic, then the commit of each ticket the run landed, in order. */
function epicPullRequestBody(run: JobRun, subjects: string[]): string {
  const { ticket } = run.job.snapshot;
  const { branch } = epicPart(run);
  const description = run.mask(ticket?.description ?? '').trim();
  const parts = [
    ticket ? `Resolves the epic **${ticket.displayId}**: ${ticket.title}` : `Spedy epic run **${run.job.title}**`,
    (description.length > maxDescription ? `${description.slice(0, maxDescription).trimEnd()}…` : description) || '_No description._',
    `### The epic's work, one commit per ticket\n\n${subjects.map((subject) => `- ${subject}`).join('\n')}`,
    `---\nOpened by Spedy from branch \`${branch}\` (epic run ${epicPart(run).runId}, job ${run.job.id}).`,
  ];
  return parts.join('\n\n');
}
