// The whole path, with real parts: a ticket moved on the board → a job → the supervisor
// claims it over the WebSocket → Claude Code runs in Docker containers (scripted model)
// → the validation command passes → the branch is pushed → a pull request is opened →
// the ticket moves to the team's completion status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { endedJobStatuses, eventsOf, jobIn, startTestRunner, startTicket, ticketState, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;

beforeAll(async () => {
  owner = await newMember('Pipeline Owner');
  project = await createProject(owner, 'PRS');
  runner = await startTestRunner(owner, 'PRS');
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('from a ticket to a pull request', () => {
  it('runs the pipeline in containers and opens a pull request when the ticket enters AI Processing', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, 'Add a greeting script');

    const job = await jobIn(ticketId, endedJobStatuses);
    expect(job.status_reason).toBeNull();
    expect(job.status).toBe('completed');
    const [pr] = job.result?.pullRequests ?? [];
    expect(pr.repository).toBe('demo/spedy-demo');

    // The branch is on the remote with the agent's file; the pull request targets the base branch.
    expect(await runner!.git.branches('demo/spedy-demo')).toContain(pr.branch);
    expect(await runner!.git.readFile('demo/spedy-demo', pr.branch, 'hello.js')).toBeTruthy();
    const opened = runner!.provider.pullRequests.list();
    expect(opened.some((p) => p.head === pr.branch && p.base === 'main')).toBe(true);

    // The ticket moved to the team's completion status; the live feed got the agent's events.
    expect(await ticketState(ticketId)).toEqual({ status: 'In Review', ai_failed: false });
    const events = await sql<{ type: string; n: number }>(testStack().databaseUrl, 'SELECT type, count(*)::int AS n FROM job_event WHERE job_id = $1 GROUP BY type', [job.id]);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['tool_call', 'usage']));

    // A first job that reads like a real one: the planner reads and plans, Implement writes and
    // runs the script, Review reads it and reports; no tool call ends in a (red) tool error.
    expect((await eventsOf(job.id, 'tool_result')).filter((result) => result.isError)).toEqual([]);
    expect(await eventsOf(job.id, 'permission_denied')).toEqual([]);
    const calls = await eventsOf(job.id, 'tool_call');
    const callsOf = (stage: string) => calls.filter((call) => call.stage === stage).map((call) => call.name);
    expect(callsOf('planner')).toEqual(['Glob', 'Read']);
    expect(callsOf('implement')).toEqual(['Write', 'Bash']);
    expect(callsOf('review')).toEqual(['Glob', 'Read']);
    const results = await eventsOf(job.id, 'result');
    const resultOf = (stage: string) => results.find((result) => result.stage === stage);
    expect(resultOf('planner')).toMatchObject({ isError: false, text: expect.stringMatching(/^## Plan for PRS-\d+: Add a greeting script\n\n1\. Add hello\.js/) });
    expect(resultOf('implement')).toMatchObject({ isError: false, text: 'Added hello.js and ran it; it printed: Hello from Spedy' });
    expect(resultOf('review')).toMatchObject({ isError: false, text: expect.stringContaining('## Review') });
  }, 300_000);
});
