// The supervisor's side of the review loop, with real parts: a ticket's job opens a pull
// request; a review retrigger (a job with snapshot.review, created as the platform creates
// it) runs through the real supervisor, Claude Code in Docker and the scripted model. While
// the pull request is open, the revision lands as a new commit on its branch and Spedy
// comments on it; once it is merged, a follow-up gets a fresh branch and a new pull request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot, ReviewFeedback, StageSnapshot } from '@spedy/protocol/wire';
import { connectDb, type Db } from '../lib/db/client.ts';
import { createJob } from '../lib/jobs/create.ts';
import { git, repositoryPath } from '../test-kit/git-remote/repositories.ts';
import { text, toolUse, type Scenario } from '../test-kit/model-server/scenario.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { eventsOf, jobIn, startTestRunner, startTicket, type JobRow, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';

const repository = 'demo/spedy-demo';
const revisedGreeting = "console.log(`Hello, ${process.argv[2] ?? 'world'}`);\n";

const scenarios: Record<string, Scenario> = {
  'address-review': {
    description: 'Rewrites hello.js to greet the name given on the command line, then ends.',
    // With Bash: Claude Code's Write refuses to replace a file the session has not read (the revised branch has hello.js, the base has not).
    turns: [
      { content: [toolUse('Bash', { command: `cat > hello.js <<'JS'\n${revisedGreeting}JS`, description: 'Rewrite hello.js' })] },
      { content: [text('hello.js now greets the name given on the command line, as the review asked.')] },
    ],
  },
};

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;
let db: Db;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  owner = await newMember('Review Owner');
  project = await createProject(owner, 'REV');
  runner = await startTestRunner(owner, 'REV', { scenarios });
  ({ db, close: closeDb } = connectDb(testStack().databaseUrl));
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
  await closeDb?.();
});

type JobColumns = { organization_id: string; project_id: string; ticket_id: string; team_id: string; type: 'streaming' | 'batch'; required_capabilities: string[]; required_labels: string[]; snapshot: JobSnapshot };

/** A review retrigger of `previous`, created as the platform creates one: its snapshot with the review, one stage that addresses it. */
async function reviewRetrigger(previous: JobRow, review: ReviewFeedback): Promise<string> {
  const [row] = await sql<JobColumns>(
    testStack().databaseUrl,
    `SELECT j.organization_id, j.project_id, j.ticket_id, j.team_id, j.type, j.required_capabilities, j.required_labels, s.snapshot
     FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.id = $1`,
    [previous.id],
  );
  const coding = row!.snapshot.pipeline.steps.flatMap((step) => step.stages).find((stage) => stage.type === 'coding')!;
  const stage: StageSnapshot = { ...coding, name: 'Address the review [scenario:address-review]', validationCommands: [], maxRetries: 0 };
  const snapshot: JobSnapshot = { ...row!.snapshot, trigger: { kind: 'review' }, pipeline: { steps: [{ stages: [stage] }] }, review };
  const job = await db.transaction((tx) =>
    createJob(tx, {
      organizationId: row!.organization_id,
      type: row!.type,
      title: `Review of #${review.pullRequest.number}`,
      snapshot,
      requiredCapabilities: row!.required_capabilities,
      requiredLabels: row!.required_labels,
      projectId: row!.project_id,
      ticketId: row!.ticket_id,
      teamId: row!.team_id,
      followUpOf: previous.id,
    }),
  );
  return job.id;
}

/** A commit of the demo repository on the test kit's remote: `rev` as git reads it (`branch`, `branch^`). */
async function commitOf(rev: string): Promise<string> {
  return (await git(['rev-parse', rev], repositoryPath(runner!.git.root, repository))).trim();
}

const review = (pullRequest: ReviewFeedback['pullRequest']): ReviewFeedback => ({
  pullRequest,
  reviewer: 'octo-reviewer',
  summary: 'Nice start, but the greeting must not be hard-coded.',
  comments: [
    { path: 'hello.js', line: 1, body: 'Take the name to greet from the command line.' },
    { path: 'README.md', line: 3, body: 'Say how to run hello.js with a name.' },
  ],
});

let ticketId: string;
let firstJob: JobRow;
let opened: { number: number; url: string; branch: string };

describe('a review retrigger on the supervisor', () => {
  it('revises an open pull request: the review in the prompt, a new commit on its branch, a comment, no second pull request', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    ticketId = await startTicket(owner, project, 'Add a greeting script');
    firstJob = await jobIn(ticketId, ['completed']);
    const [first] = firstJob.result?.pullRequests ?? [];
    const pr = runner!.provider.pullRequests.list({ repository }).find((p) => p.head === first!.branch)!;
    opened = { number: pr.number, url: pr.url, branch: pr.head };
    const firstCommit = await commitOf(opened.branch);
    const pullRequestsBefore = runner!.provider.pullRequests.list().length;

    const jobId = await reviewRetrigger(firstJob, review({ repository, ...opened, state: 'open' }));
    const job = await jobIn(ticketId, ['completed']);
    expect(job.id).toBe(jobId);

    // The agent was told the review: the summary, both inline comments with path and line, the pull request.
    const [asked] = runner!.model.requests().filter((request) => request.scenario === 'address-review' && request.turn === 0);
    const prompt = JSON.stringify(asked?.messages);
    expect(prompt).toContain('Nice start, but the greeting must not be hard-coded.');
    expect(prompt).toContain('`hello.js` line 1:\\n\\n> Take the name to greet from the command line.');
    expect(prompt).toContain('`README.md` line 3:\\n\\n> Say how to run hello.js with a name.');
    expect(prompt).toContain(`pull request #${opened.number} (${opened.url}), branch \`${opened.branch}\``);
    expect(prompt).toContain('## Ticket REV-');
    expect((await eventsOf(job.id, 'tool_result')).filter((result) => result.isError)).toEqual([]);

    // One new commit on the pull request's branch, on top of the first job's.
    const revision = await commitOf(opened.branch);
    expect(revision).not.toBe(firstCommit);
    expect(await commitOf(`${opened.branch}^`)).toBe(firstCommit);
    expect(await runner!.git.readFile(repository, opened.branch, 'hello.js')).toBe(revisedGreeting);

    // The same pull request, reported again; none opened; Spedy said what it pushed.
    const same = { repository, url: opened.url, number: opened.number, branch: opened.branch };
    expect(job.result?.pullRequests).toEqual([same]);
    expect(await eventsOf(job.id, 'pull_request')).toEqual([same]);
    expect(runner!.provider.pullRequests.list()).toHaveLength(pullRequestsBefore);
    const comments = runner!.provider.pullRequestComments.list({ provider: 'github', repository, number: opened.number });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`Spedy pushed a revision to \`${opened.branch}\`: ${revision}`);
    expect(comments[0]!.body).toContain('- `hello.js` line 1: Take the name to greet from the command line.');
  }, 600_000);

  it('follows up a merged pull request on a fresh branch from the base, with a new pull request', async () => {
    expect(opened, 'the first test opened and revised a pull request').toBeDefined();
    const merged = await fetch(`${runner!.provider.url}/_test/pulls/github/${repository}/${opened.number}/state`, { method: 'POST', body: JSON.stringify({ state: 'merged' }) });
    expect(merged.status).toBe(200);
    const revision = await commitOf(opened.branch);
    const previous = await jobIn(ticketId, ['completed']);

    await reviewRetrigger(previous, review({ repository, ...opened, state: 'merged' }));
    const job = await jobIn(ticketId, ['completed']);
    expect(job.id).not.toBe(previous.id);

    const [followUp] = job.result?.pullRequests ?? [];
    expect(followUp?.branch).toMatch(/^spedy\/rev-\d+-add-a-greeting-script-/);
    expect(followUp?.branch).not.toBe(opened.branch);
    // Cut from the base branch, not from the merged pull request's branch, which is left as it was.
    expect(await commitOf(`${followUp!.branch}^`)).toBe(await commitOf('main'));
    expect(await commitOf(opened.branch)).toBe(revision);
    const pr = runner!.provider.pullRequests.list({ repository }).find((p) => p.head === followUp!.branch);
    expect(pr).toMatchObject({ base: 'main', state: 'open', url: followUp!.url });
    expect(pr!.number).not.toBe(opened.number);
    expect(pr!.body).toMatch(new RegExp(`^Follows up #${opened.number} \\(${opened.url.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}\\), which was already merged`));
    expect(runner!.provider.pullRequestComments.list({ repository, number: opened.number })).toHaveLength(1);
  }, 600_000);
});
