import { describe, expect, it } from 'vitest';
import type { ReviewFeedback } from '@spedy/protocol/wire';
import { claimedTestJob, stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { stagePrompt } from './stage-prompt.ts';

const review: ReviewFeedback = {
  pullRequest: { repository: 'acme/app', number: 7, url: 'https://github.com/acme/app/pull/7', branch: 'spedy/spd-42-add-a-greeting-script-abc123', state: 'open' },
  reviewer: 'octocat',
  summary: 'Close, but the greeting should be configurable.\nAlso add a test.',
  comments: [
    { path: 'hello.js', line: 3, body: 'Read the name from process.argv instead of hard-coding it.' },
    { path: 'README.md', line: null, body: 'Document how to run it.' },
  ],
};

const repositories = [
  { provider: 'github' as const, fullName: 'acme/app', name: 'app', cloneUrl: 'https://github.com/acme/app.git', baseBranch: 'main', setupCommands: [] },
  { provider: 'github' as const, fullName: 'acme/docs', name: 'docs', cloneUrl: 'https://github.com/acme/docs.git', baseBranch: 'develop', setupCommands: [] },
];

function promptFor(feedback: ReviewFeedback | undefined) {
  const job = claimedTestJob({ id: 'job_review', steps: [[stageSnapshot({ id: 'implement', name: 'Implement' })]], repositories, review: feedback, trigger: { kind: feedback ? 'review' : 'status' } });
  return stagePrompt({
    job,
    stage: job.snapshot.pipeline.steps[0]!.stages[0]!,
    step: { index: 0, count: 1, parallelWith: [] },
    cwd: '/workspace',
    repositories: [
      { path: '/workspace/app', fullName: 'acme/app', baseBranch: 'main', ...(feedback?.pullRequest.state === 'open' ? { revises: { number: 7, branch: feedback.pullRequest.branch } } : {}) },
      { path: '/workspace/docs', fullName: 'acme/docs', baseBranch: 'develop' },
    ],
    branch: 'spedy/spd-42-add-a-greeting-script-review',
    earlierStages: [],
    boardTools: false,
  });
}

describe('the prompt of a review retrigger', () => {
  it('holds the original ticket, the summary, every inline comment with its path and line, and the pull request', () => {
    const prompt = promptFor(review);
    expect(prompt).toContain('## Ticket SPD-42: Add a greeting script\n\nPrint a friendly greeting from hello.js.');
    expect(prompt).toContain(
      'octocat requested changes on pull request #7 (https://github.com/acme/app/pull/7), branch `spedy/spd-42-add-a-greeting-script-abc123` of acme/app',
    );
    expect(prompt).toContain('your changes go on top of that branch as a new commit of the same pull request');
    expect(prompt).toContain("### The reviewer's summary\n\n> Close, but the greeting should be configurable.\n> Also add a test.");
    expect(prompt).toContain('### Inline comments (2)');
    expect(prompt).toContain('1. `hello.js` line 3:\n\n> Read the name from process.argv instead of hard-coding it.');
    expect(prompt).toContain('2. `README.md` (the whole file):\n\n> Document how to run it.');
  });

  it('names the branch each repository is on: the pull request’s for its repository, the job’s for the others', () => {
    const prompt = promptFor(review);
    expect(prompt).toContain("Repositories, checked out on the job's branch `spedy/spd-42-add-a-greeting-script-review`:");
    expect(prompt).toContain('- /workspace/app: acme/app (on `spedy/spd-42-add-a-greeting-script-abc123`, the branch of pull request #7)');
    expect(prompt).toContain('- /workspace/docs: acme/docs (from `develop`)');
  });

  it('says a merged pull request is followed up by a new one from the base branch', () => {
    const prompt = promptFor({ ...review, pullRequest: { ...review.pullRequest, state: 'merged' } });
    expect(prompt).toContain('which is already merged');
    expect(prompt).toContain('Your changes start afresh from the base branch, and Spedy opens a new pull request that follows it up.');
    expect(prompt).toContain('- /workspace/app: acme/app (from `main`)');
  });

  it('cuts a very long comment, and has no review section without a review', () => {
    const long = promptFor({ ...review, comments: [{ path: 'a.js', line: 1, body: 'x'.repeat(10_000) }] });
    expect(long).toContain('… (cut)');
    expect(long.length).toBeLessThan(8_000);
    expect(promptFor(undefined)).not.toContain('Review feedback');
  });
});
