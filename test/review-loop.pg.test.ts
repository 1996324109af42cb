// The whole review loop with real parts: a ticket's job opens a pull request through the real
// supervisor (Claude Code in Docker, the scripted model, the test kit's git remote and provider
// stand-in); a reviewer requests changes with two inline comments and the stand-in delivers
// GitHub's signed webhook to the platform; the platform retriggers a job whose prompt holds both
// comments; the runner pushes a revised commit to the same pull request's branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, repositoryPath } from '../test-kit/git-remote/repositories.ts';
import { text, toolUse, type Scenario } from '../test-kit/model-server/scenario.ts';
import { workingScript } from '../test-kit/model-server/scenarios.ts';
import type { PipelineSnapshot } from '@spedy/protocol/wire';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { jobIn, poll, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { orgApi } from './support/org-api.ts';
import { decisionsOf, setRetrigger } from './support/review-loop.ts';
import { testStack } from './support/stack-env.ts';

const repository = 'demo/spedy-demo';
const revisedGreeting = "console.log(`Hello, ${process.argv[2] ?? 'world'}`);\n";

const scenarios: Record<string, Scenario> = {
  'address-review': {
    description: 'Rewrites hello.js to greet the name given on the command line, then ends.',
    turns: [
      { content: [toolUse('Bash', { command: `cat > hello.js <<'JS'\n${revisedGreeting}JS`, description: 'Rewrite hello.js' })] },
      { content: [text('hello.js now greets the name given on the command line, as the review asked.')] },
    ],
  },
};

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const commitOf = async (rev: string) => (await git(['rev-parse', rev], repositoryPath(runner!.git.root, repository))).trim();

beforeAll(async () => {
  owner = await newMember('Loop Owner');
  project = await createProject(owner, 'LOOP');
  runner = await startTestRunner(owner, 'LOOP', { scenarios });
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('the review loop through the real supervisor', () => {
  it('a signed "changes requested" review with two inline comments brings the runner back to revise the same pull request', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, 'Add a greeting script');
    const first = await jobIn(ticketId, ['completed']);
    const [pr] = await query<{ id: string; job_id: string; number: number; url: string; branch: string; state: string }>(
      'SELECT id, job_id, number, url, branch, state FROM pull_request WHERE ticket_id = $1',
      [ticketId],
    );
    expect(pr).toMatchObject({ job_id: first.id, state: 'open' });
    const firstCommit = await commitOf(pr!.branch);
    const pullRequestsBefore = runner!.provider.pullRequests.list().length;

    // The team's pipeline for the revision: one coding stage the scripted model answers with the scenario above.
    const [team] = await query<{ id: string; pipeline: PipelineSnapshot }>('SELECT t.id, t.pipeline FROM runner_team t JOIN job j ON j.team_id = t.id WHERE j.id = $1', [first.id]);
    const coding = team!.pipeline.steps.flatMap((step) => step.stages).find((stage) => stage.type === 'coding')!;
    const stage = { ...coding, name: 'Address the review [scenario:address-review]', validationCommands: [], maxRetries: 0 };
    await query('UPDATE runner_team SET pipeline = $2 WHERE id = $1', [team!.id, JSON.stringify({ steps: [{ stages: [stage] }] })]);
    await setRetrigger(owner.orgID, true);
    const [integration] = await query<{ id: string }>("SELECT id FROM git_integration WHERE organization_id = $1 AND provider = 'github'", [owner.orgID]);
    const generated = await orgApi(owner, 'POST', `${owner.orgID}/integrations/${integration!.id}/webhook-secret`);
    expect(generated.status).toBe(200);

    // The stand-in cuts each comment's diff_hunk from the branch's real diff, as GitHub does.
    const diff = await git(['diff', `main...${pr!.branch}`], repositoryPath(runner!.git.root, repository));
    const review = runner!.provider.reviews.post({
      repository,
      number: pr!.number,
      diff,
      reviewer: 'octo-reviewer',
      body: 'Nice start, but the greeting must not be hard-coded.',
      comments: [
        { path: 'hello.js', line: 1, body: 'Take the name to greet from the command line.' },
        { path: 'README.md', line: 3, body: 'Say how to run hello.js with a name.' },
      ],
    });
    const delivery = await runner!.provider.reviews.deliver(`${testStack().appUrl}/api/webhooks/github/${integration!.id}`, generated.body.secret as string, review);
    expect(delivery.status).toBe(202);

    const [decision] = await poll('the review was decided', async () => {
      const decisions = await decisionsOf(ticketId);
      return decisions.length > 0 ? decisions : undefined;
    }, 30_000, 200);
    expect(decision).toMatchObject({ outcome: 'retriggered' });
    const revision = await jobIn(ticketId, ['completed'], 480_000);
    expect(revision.id).toBe(decision!.job_id);

    // The agent was told both inline comments with path and line, and the pull request.
    const [asked] = runner!.model.requests().filter((request) => request.scenario === 'address-review' && request.turn === 0);
    const prompt = JSON.stringify(asked?.messages);
    expect(prompt).toContain('Nice start, but the greeting must not be hard-coded.');
    expect(prompt).toContain('`hello.js` line 1');
    expect(prompt).toContain('Take the name to greet from the command line.');
    expect(prompt).toContain('`README.md` line 3');
    expect(prompt).toContain('Say how to run hello.js with a name.');
    expect(prompt).toContain(pr!.url);

    // A revised commit on top of the first, on the same branch; the same pull request, no new one.
    expect(await commitOf(`${pr!.branch}^`)).toBe(firstCommit);
    expect(await runner!.git.readFile(repository, pr!.branch, 'hello.js')).toBe(revisedGreeting);
    expect(runner!.provider.pullRequests.list()).toHaveLength(pullRequestsBefore);
    expect(await query('SELECT count(*)::int AS n FROM pull_request WHERE ticket_id = $1', [ticketId])).toEqual([{ n: 1 }]);

    // What the reviewer taught is knowledge now: an entry per inline comment, each resolved by the completed revision.
    // The hello.js entry keeps the diff hunk ending at the commented line (the first job's line 1);
    // README.md's line 3 is outside the pull request's diff, so its entry has none.
    const learned = await query<{ file_path: string; comment: string; diff_context: string; resolved: number }>(
      `SELECT e.file_path, e.comment, e.diff_context, (SELECT count(*)::int FROM knowledge_evidence v WHERE v.entry_id = e.id AND v.kind = 'resolved') AS resolved
       FROM knowledge_entry e WHERE e.organization_id = $1 AND e.pull_request_url = $2 ORDER BY e.file_path`,
      [owner.orgID, pr!.url],
    );
    expect(learned).toEqual([
      { file_path: 'README.md', comment: 'Say how to run hello.js with a name.', diff_context: '', resolved: 1 },
      { file_path: 'hello.js', comment: 'Take the name to greet from the command line.', diff_context: `@@ -0,0 +1 @@\n+${workingScript.trimEnd()}`, resolved: 1 },
    ]);
  }, 900_000);
});
