import { describe, expect, it } from 'vitest';
import type { PullRequestTarget } from '@spedy/protocol/wire';
import { branchOfRepository } from './review-target.ts';

const pullRequest: PullRequestTarget = { repository: 'Acme/App', number: 7, url: 'https://github.com/acme/app/pull/7', branch: 'spedy/spd-42-greet-abc123', state: 'open' };
const review = (state: PullRequestTarget['state']) => ({ review: { pullRequest: { ...pullRequest, state }, reviewer: 'octocat', summary: '', comments: [] } });
const app = { fullName: 'acme/app', baseBranch: 'main' };
const jobBranch = 'spedy/spd-42-greet-xyz789';

describe('the branch a job works on in each repository', () => {
  it('is the pull request’s own branch, from its head, while the pull request is open', () => {
    expect(branchOfRepository(review('open'), app, jobBranch)).toEqual({
      target: { kind: 'revise', pullRequest: { ...pullRequest, state: 'open' } },
      branch: pullRequest.branch,
      startFrom: pullRequest.branch,
    });
  });

  it('is a fresh branch from the base when the pull request is merged or closed', () => {
    for (const state of ['merged', 'closed'] as const) {
      const chosen = branchOfRepository(review(state), app, jobBranch);
      expect(chosen).toMatchObject({ target: { kind: 'follow-up' }, branch: jobBranch, startFrom: 'main' });
      expect(chosen.branch).not.toBe(pullRequest.branch);
    }
    // Never the old pull request's name, even if the job's would be the same.
    expect(branchOfRepository(review('closed'), app, pullRequest.branch).branch).toBe(`${pullRequest.branch}-follow-up`);
  });

  it('is the job’s own branch from the base in the job’s other repositories, and without a review', () => {
    const other = { fullName: 'acme/docs', baseBranch: 'develop' };
    expect(branchOfRepository(review('open'), other, jobBranch)).toEqual({ target: { kind: 'new-branch' }, branch: jobBranch, startFrom: 'develop' });
    expect(branchOfRepository({}, app, jobBranch)).toEqual({ target: { kind: 'new-branch' }, branch: jobBranch, startFrom: 'main' });
  });
});
