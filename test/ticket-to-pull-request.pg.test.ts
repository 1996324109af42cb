// The whole path, with real parts: a ticket moved on the board → a job → the supervisor
// claims it over the WebSocket → Claude Code runs in Docker containers (scripted model)
// → the validation command passes → the branch is pushed → a pull request is opened →
// the ticket moves to the team's completion status.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoRunner, type DemoRunner } from '../lib/stack/demo-runner.ts';
import { rankBetween } from '../lib/board/rank.ts';
import { mutators } from '../zero/mutators.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { testStack } from './support/stack-env.ts';

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: DemoRunner | null = null;

async function waitForJob(ticketId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await sql<{ id: string; status: string; status_reason: string | null; result: { pullRequests?: { url: string; branch: string; repository: string }[] } | null }>(
      testStack().databaseUrl,
      'SELECT id, status, status_reason, result FROM job WHERE ticket_id = $1 ORDER BY created_at DESC LIMIT 1',
      [ticketId],
    );
    if (job && ['completed', 'failed', 'error'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job still ${job?.status ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  owner = await newMember('Pipeline Owner');
  project = await createProject(owner, 'PRS');
  const stack = testStack();
  runner = await startDemoRunner({
    dataDir: path.join(stack.dataDir ?? '.test-data', 'runner'),
    appUrl: stack.appUrl,
    databaseUrl: stack.databaseUrl,
    appEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    target: { orgSlug: owner.orgSlug, projectKey: 'PRS' },
    log: () => {},
  });
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('from a ticket to a pull request', () => {
  it('runs the pipeline in containers and opens a pull request when the ticket enters AI Processing', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await createTicket(owner, project, 'Add a greeting script');
    const working = project.statuses.find((s) => s.name === 'AI Processing')!;
    expect(await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: working.id, rank: rankBetween(null, null) })))).toBeNull();

    const job = await waitForJob(ticketId, 240_000);
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
    const [ticket] = await sql<{ status: string; ai_failed: boolean }>(
      testStack().databaseUrl,
      'SELECT s.name AS status, t.ai_failed FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1',
      [ticketId],
    );
    expect(ticket).toEqual({ status: 'In Review', ai_failed: false });
    const events = await sql<{ type: string; n: number }>(testStack().databaseUrl, 'SELECT type, count(*)::int AS n FROM job_event WHERE job_id = $1 GROUP BY type', [job.id]);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['tool_call', 'usage']));
  }, 300_000);
});
