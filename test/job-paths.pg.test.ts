// Every path of a job through the whole platform, with real parts: the board (Zero
// mutators as a member) → a job → the real supervisor claims it over the WebSocket →
// Claude Code in Docker containers against the scripted model → the outcome on the board.
// Each test gives the project a team of the shape it needs, the way a person would
// (team.create, team.setPipeline, buildSettings.setProjectRunner); a stage picks its
// scripted behaviour with `[scenario:…]` / `[file:…]` in its name, which opens its prompt.
import Docker from 'dockerode';
import { nanoid } from 'nanoid';
import { rankBetween } from '../lib/tickets/rank.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../lib/teams/pipeline.ts';
import { presets, type PresetId } from '../lib/teams/presets.ts';
import { continuePrompt } from '../supervisor/agent/stage-prompt.ts';
import { askUserQuestion } from '../test-kit/model-server/scenarios.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { codingStage, containersOf as containersOfJob, eventsOf, jobIn, latestJob, poll, startTestRunner, startTicket, ticketState, whenMemberSees, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;
let docker: Docker;

const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const repository = 'demo/spedy-demo';

/** The plain text a person (or Spedy) wrote in a logged request message. */
function messageText(message: { role: string; content: unknown } | undefined): string | undefined {
  if (message?.role !== 'user') return undefined;
  if (typeof message.content === 'string') return message.content;
  const blocks = message.content as { type: string; text?: string }[];
  return blocks
    .filter((block) => block.type === 'text' && !block.text?.trimStart().startsWith('<system-reminder>'))
    .map((block) => block.text)
    .join('\n');
}

/** A team of `preset` with `edit` applied to its pipeline, working this project's tickets. */
async function useTeam(name: string, preset: PresetId, edit: (pipeline: PipelineConfig) => void = () => {}): Promise<{ id: string; handle: string }> {
  const id = nanoid();
  const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const fields = {
    description: 'Job-path tests',
    workingStatus: 'AI Processing',
    completionStatus: 'In Review',
    failureStatus: 'Todo',
    requiredCapabilities: ['claude_code'],
    requiredLabels: ['demo'],
  };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset, name, handle, ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets[preset].pipeline();
  edit(pipeline);
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
  return { id, handle };
}

const whenClientSees = (jobId: string, status: string) => whenMemberSees(owner, jobId, status);

async function respond(jobId: string, action: 'input' | 'approve' | 'continue', text?: string) {
  await whenClientSees(jobId, action === 'continue' ? 'stopped' : 'waiting_for_input');
  expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id: jobId, action, text })))).toBeNull();
}

const containersOf = (jobId: string) => containersOfJob(docker, jobId);

beforeAll(async () => {
  owner = await newMember('Path Walker');
  project = await createProject(owner, 'PTH');
  await owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete;
  runner = await startTestRunner(owner, 'PTH');
  if (runner) docker = new Docker({ socketPath: runner.dockerSocket });
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
});

describe('the paths of a job, through the platform', () => {
  it('fails when a validation command still fails after the retries, naming it; the ticket goes to the failure status', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    await useTeam('Strict Checkers', 'code_runner', (pipeline) => {
      pipeline.steps = [{ id: 'step-implement', stages: [codingStage('implement', { name: 'Implement [scenario:fail-validation]', validationCommands: ['node hello.js'], maxRetries: 1 })] }];
    });
    const ticketId = await startTicket(owner, project, 'Add a greeting script');

    const failed = await jobIn(ticketId, ['failed']);
    expect(failed.status_reason).toContain('Validation command "node hello.js" still fails');
    expect(failed.status_reason).toContain('after 1 retry');
    const validations = await eventsOf(failed.id, 'validation');
    expect(validations.map((v) => [v.command, v.passed, v.attempt])).toEqual([
      ['node hello.js', false, 1],
      ['node hello.js', false, 2],
    ]);
    expect(await ticketState(ticketId)).toEqual({ status: 'Todo', ai_failed: true });

    // Dragged back into the working status: the badge goes and a new job starts (and fails the same way).
    const working = project.statuses.find((s) => s.name === 'AI Processing')!;
    expect(await serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: working.id, rank: rankBetween(null, null) })))).toBeNull();
    expect(await ticketState(ticketId)).toEqual({ status: 'AI Processing', ai_failed: false });
    const again = await poll('a second job', async () => {
      const job = await latestJob(ticketId);
      return job && job.id !== failed.id && job.status === 'failed' ? job : undefined;
    }, 240_000);
    expect(again.status_reason).toContain('Validation command "node hello.js" still fails');
  }, 300_000);

  it('waits for approval with the plan, then carries on in the planner’s session and opens a pull request', async () => {
    await useTeam('Careful Builders', 'code_runner', (pipeline) => {
      pipeline.steps = [
        { id: 'step-plan', stages: [codingStage('plan', { name: 'Plan [scenario:plan-then-build]', type: 'planning', role: 'planner', allowedTools: ['Read', 'Grep', 'Glob'] })] },
        { id: 'step-build', stages: [codingStage('build', { name: 'Build', requireApproval: true })] },
      ];
    });
    const ticketId = await startTicket(owner, project, 'Greet the visitors');

    const waiting = await jobIn(ticketId, ['waiting_for_input']);
    const [plan] = await poll('the plan event', async () => ((await eventsOf(waiting.id, 'plan')).length ? eventsOf(waiting.id, 'plan') : undefined), 30_000);
    expect(plan).toMatchObject({ stage: 'build', fromStages: ['plan'], plan: expect.stringContaining('1. Add hello.js printing a greeting.') });
    await respond(waiting.id, 'approve', 'Looks good, keep it short.');

    const job = await jobIn(ticketId, ['completed']);
    const sessions = await eventsOf(job.id, 'session');
    expect(sessions.map((s) => [s.stage, s.resumed])).toEqual([
      ['plan', false],
      ['build', true],
    ]);
    expect(sessions[1]!.sessionId).toBe(sessions[0]!.sessionId);
    // The model got the approval in the planner's conversation (turn 1 of the same scenario).
    const resumed = runner!.model.requests().find((request) => request.scenario === 'plan-then-build' && request.turn === 1);
    expect(JSON.stringify(resumed?.messages)).toContain('Looks good, keep it short.');
    const [pr] = job.result?.pullRequests ?? [];
    expect(await runner!.git.readFile(repository, pr!.branch, 'hello.js')).toContain('Hello from Spedy');
    expect(await ticketState(ticketId)).toEqual({ status: 'In Review', ai_failed: false });
  }, 300_000);

  it('waits for the answer to the agent’s question and resumes the same session with it', async () => {
    await useTeam('Curious Coders', 'code_runner', (pipeline) => {
      pipeline.steps = [{ id: 'step-implement', stages: [codingStage('implement', { name: 'Implement [scenario:ask-question]' })] }];
    });
    const ticketId = await startTicket(owner, project, 'Pick a greeting');

    const waiting = await jobIn(ticketId, ['waiting_for_input']);
    const questions = await poll('the question event', async () => ((await eventsOf(waiting.id, 'question')).length ? eventsOf(waiting.id, 'question') : undefined), 30_000);
    expect(questions).toEqual([{ stage: 'implement', question: askUserQuestion }]);
    await respond(waiting.id, 'input', 'Welcome');

    const job = await jobIn(ticketId, ['completed']);
    const sessions = await eventsOf(job.id, 'session');
    expect(sessions.map((s) => s.resumed)).toEqual([false, true]);
    expect(sessions[1]!.sessionId).toBe(sessions[0]!.sessionId);
    // The answer reached the model as the next message of the conversation that asked (`-p <answer> --resume`).
    const answered = runner!.model.requests().find((request) => request.scenario === 'ask-question' && messageText(request.messages?.at(-1)) === 'Welcome');
    expect(JSON.stringify(answered?.messages)).toContain('"name":"mcp__spedy__ask_user"');
    expect((await eventsOf(job.id, 'result')).at(-1)).toMatchObject({ isError: false, text: expect.stringContaining('You answered: "Welcome"') });
  }, 300_000);

  it('Stop ends the stage’s container within 10 s; Continue resumes the session and the job finishes', async () => {
    await useTeam('Slow Movers', 'code_runner', (pipeline) => {
      pipeline.steps = [{ id: 'step-wait', stages: [codingStage('wait', { name: 'Wait [scenario:slow]', allowedTools: ['Bash'] })] }];
    });
    const ticketId = await startTicket(owner, project, 'Take your time');

    const running = await jobIn(ticketId, ['running']);
    await poll('the agent running sleep', async () => ((await eventsOf(running.id, 'tool_call')).some((call) => call.name === 'Bash') ? true : undefined), 60_000);
    expect((await containersOf(running.id)).length).toBeGreaterThan(0);
    await whenClientSees(running.id, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: running.id })))).toBeNull();
    // A behaviour of the spec: the stage's container is gone (removed, not only exited) within 10 s.
    await poll('the stage’s container gone', async () => ((await containersOf(running.id)).length === 0 ? true : undefined), 10_000);
    await poll('the runner reporting the stop', async () => ((await eventsOf(running.id, 'stage')).some((s) => s.phase === 'stopped') ? true : undefined), 30_000);
    expect((await latestJob(ticketId))!.status).toBe('stopped');

    await respond(running.id, 'continue');
    const job = await jobIn(ticketId, ['completed']);
    const sessions = await eventsOf(job.id, 'session');
    expect(sessions.map((s) => s.resumed)).toEqual([false, true]);
    expect(sessions[1]!.sessionId).toBe(sessions[0]!.sessionId);
    expect((await eventsOf(job.id, 'result')).at(-1)).toMatchObject({ isError: false, text: 'Done waiting.' });
    // Continue went to the conversation that was running `sleep` when it was stopped, and names that unfinished call.
    const continued = runner!.model.requests().find((request) => request.scenario === 'slow' && messageText(request.messages?.at(-1))?.startsWith(continuePrompt));
    const started = runner!.model.requests().find((request) => request.scenario === 'slow');
    expect(messageText(continued?.messages?.[0])).toBe(messageText(started?.messages?.[0]));
    expect(messageText(continued?.messages?.at(-1))).toContain('running the tool Bash with {"command":"sleep 600"');
  }, 300_000);

  it('Stop while waiting for an answer; Continue asks the question again, and the answer resumes the session', async () => {
    await useTeam('Patient Askers', 'code_runner', (pipeline) => {
      pipeline.steps = [{ id: 'step-implement', stages: [codingStage('implement', { name: 'Implement [scenario:ask-question]' })] }];
    });
    const ticketId = await startTicket(owner, project, 'Pick a greeting, later');

    const waiting = await jobIn(ticketId, ['waiting_for_input']);
    await poll('the question event', async () => ((await eventsOf(waiting.id, 'question')).length ? true : undefined), 30_000);
    await whenClientSees(waiting.id, 'waiting_for_input');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: waiting.id })))).toBeNull();
    await poll('the runner reporting the stop', async () => ((await eventsOf(waiting.id, 'stage')).some((s) => s.phase === 'stopped') ? true : undefined), 30_000);
    expect((await latestJob(ticketId))!.status).toBe('stopped');

    await respond(waiting.id, 'continue');
    await jobIn(ticketId, ['waiting_for_input'], 60_000);
    await poll('the question asked again', async () => ((await eventsOf(waiting.id, 'question')).length === 2 ? true : undefined), 30_000);
    await respond(waiting.id, 'input', 'Hello');

    const job = await jobIn(ticketId, ['completed']);
    const sessions = await eventsOf(job.id, 'session');
    expect(sessions.map((s) => s.resumed)).toEqual([false, true]);
    expect(sessions[1]!.sessionId).toBe(sessions[0]!.sessionId);
    expect((await eventsOf(job.id, 'result')).at(-1)).toMatchObject({ isError: false, text: expect.stringContaining('You answered: "Hello"') });
  }, 300_000);

  it('answers an @mention with a comment through the board tools and opens no pull request (Board Interaction)', async () => {
    const team = await useTeam('Board Helpers', 'board_agent');
    const ticketId = await createTicket(owner, project, 'What does index.js print?');
    const before = runner!.provider.pullRequests.list().length;
    const body = `@${team.handle} [scenario:board-comment] what does index.js print?`;
    expect(await serverVerdict(owner.zero.mutate(mutators.comment.add({ id: nanoid(), ticketID: ticketId, body })))).toBeNull();

    const job = await jobIn(ticketId, ['completed']);
    expect(job.type).toBe('board_interaction');
    expect(job.result?.pullRequests).toEqual([]);
    expect(runner!.provider.pullRequests.list().length).toBe(before);
    const comments = await db<{ body: string }>('SELECT body FROM comment WHERE ticket_id = $1 ORDER BY created_at', [ticketId]);
    expect(comments.map((c) => c.body)).toEqual([body, expect.stringContaining('Answer from the scripted model to:')]);
    expect(await ticketState(ticketId)).toMatchObject({ status: 'Backlog', ai_failed: false });
  }, 300_000);

  it('runs a Full-Stack team: backend and frontend in their own worktrees, merged, then the Integration Validator', async () => {
    await useTeam('Full Stackers', 'full_stack', (pipeline) => {
      const [build, integrate] = pipeline.steps;
      build!.stages[0]!.name = 'Backend [file:backend.js]';
      build!.stages[1]!.name = 'Frontend [file:frontend.js]';
      integrate!.stages[0]!.name = 'Validator [file:check.js] [scenario:edit-and-test]';
    });
    const ticketId = await startTicket(owner, project, 'Greeting API and page');

    const job = await jobIn(ticketId, ['completed']);
    const notices = await eventsOf(job.id, 'notice');
    expect(notices.map((n) => n.message)).toContainEqual(expect.stringContaining('Merged the work of "Backend [file:backend.js]" and "Frontend [file:frontend.js]"'));
    const [pr] = job.result?.pullRequests ?? [];
    expect(pr!.repository).toBe(repository);
    for (const file of ['backend.js', 'frontend.js', 'check.js']) {
      expect(await runner!.git.readFile(repository, pr!.branch, file), file).toContain('Hello from Spedy');
    }
    expect(runner!.provider.pullRequests.list().some((p) => p.head === pr!.branch && p.base === 'main')).toBe(true);
  }, 300_000);

  it('stops a Full-Stack team in its parallel step and continues it: both stages finish, merged', async () => {
    await useTeam('Paused Stackers', 'full_stack', (pipeline) => {
      const [build, integrate] = pipeline.steps;
      // Later prompts quote other stages' names, so each stage names its own scenario.
      build!.stages[0]!.name = 'Backend [scenario:edit-and-test] [file:backend.js]';
      build!.stages[1]!.name = 'Frontend [scenario:write-then-wait] [file:frontend.js]';
      integrate!.stages[0]!.name = 'Integration [scenario:edit-and-test] [file:check.js]';
    });
    const ticketId = await startTicket(owner, project, 'Greeting API and page, with a pause');

    const running = await jobIn(ticketId, ['running']);
    await poll('the frontend agent running sleep', async () => ((await eventsOf(running.id, 'tool_call')).some((call) => call.name === 'Bash' && call.stage === 'frontend') ? true : undefined), 60_000);
    await whenClientSees(running.id, 'running');
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: running.id })))).toBeNull();
    await poll('the job’s containers gone', async () => ((await containersOf(running.id)).length === 0 ? true : undefined), 10_000);
    await poll('the runner reporting the stop', async () => ((await eventsOf(running.id, 'notice')).some((n) => String(n.message).startsWith('Stopped.')) ? true : undefined), 30_000);

    await respond(running.id, 'continue');
    const job = await jobIn(ticketId, ['completed']);
    const frontend = (await eventsOf(job.id, 'session')).filter((s) => s.stage === 'frontend');
    expect(frontend.map((s) => s.resumed)).toEqual([false, true]);
    expect(frontend[1]!.sessionId).toBe(frontend[0]!.sessionId);
    const [pr] = job.result?.pullRequests ?? [];
    for (const file of ['backend.js', 'frontend.js', 'check.js']) {
      expect(await runner!.git.readFile(repository, pr!.branch, file), file).toContain('Hello from Spedy');
    }
  }, 300_000);
});
