import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';

// runJob end to end: the real Claude Code CLI in runner containers, driven by the scripted
// model, real git against the test kit's remote, pull requests on the provider stand-in.
let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'run-job' });
});

afterAll(async () => {
  await kit?.stop();
});

const planner = stageSnapshot({
  id: 'plan',
  name: 'Plan [scenario:plan]',
  type: 'planning',
  role: 'planner',
  model: 'claude-opus-4-7',
  allowedTools: ['Read', 'Grep', 'Glob'],
});

describe('runJob', () => {
  it('plans read-only, implements, validates, and delivers a pull request (Code Runner)', async () => {
    const implement = stageSnapshot({
      id: 'implement',
      name: 'Implement [scenario:edit-and-test]',
      validationCommands: ['node --version'],
      maxRetries: 1,
      skills: [{ slug: 'greeting-style', description: 'How greetings are written in this project', body: 'Greet with "Hello from Spedy".' }],
    });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'app', steps: [[planner], [implement]] });

    await runToEnd(ctx, deps);

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'executing', 'running', 'syncing', 'completed']);
    const branch = ctx.eventsOf('pull_request')[0]?.branch;
    expect(branch).toMatch(/^spedy\/spd-42-add-a-greeting-script-/);
    expect(await kit.remote.branches(fullName)).toContain(branch);
    expect(await kit.remote.readFile(fullName, String(branch), 'hello.js')).toContain('Hello from Spedy');

    const [pr] = kit.providerApi.pullRequests.list({ repository: fullName });
    expect(pr).toMatchObject({ head: branch, base: 'main', title: 'SPD-42: Add a greeting script' });
    expect(pr!.body).toContain('Resolves **SPD-42**');
    expect(pr!.body).toContain('Validation passed: `node --version`');
    expect(ctx.statuses.at(-1)?.result).toEqual({ pullRequests: [{ repository: fullName, url: pr!.url, number: pr!.number, branch }] });

    // The planner saw the workspace read-only; the agent's tools were the stage's; the skill was loaded.
    const sessions = ctx.eventsOf('session');
    expect(sessions[0]).toMatchObject({ stage: 'plan', tools: expect.arrayContaining(['Read', 'Grep', 'Glob']) });
    expect(sessions[0]!.tools).not.toContain('Write');
    expect(sessions[1]).toMatchObject({ stage: 'implement', skills: expect.arrayContaining(['greeting-style']), mcpServers: [{ name: 'spedy', status: 'connected' }] });
    expect(ctx.eventsOf('validation')).toEqual([expect.objectContaining({ stage: 'implement', command: 'node --version', passed: true, output: expect.stringMatching(/^v22\./) })]);
    const summed = ctx
      .eventsOf('usage')
      .filter((usage) => usage.stage === 'implement')
      .reduce((sum: Record<string, number>, usage) => ({ input: sum.input! + Number(usage.inputTokens), cacheRead: sum.cacheRead! + Number(usage.cacheReadTokens), cacheWrite: sum.cacheWrite! + Number(usage.cacheWriteTokens) }), { input: 0, cacheRead: 0, cacheWrite: 0 });
    expect(summed).toEqual({ input: 1470, cacheRead: 18350, cacheWrite: 9350 });
    expect(ctx.eventsOf('tool_call').map((call) => call.name)).toEqual(['Write', 'Bash']);

    expect(JSON.stringify(ctx.events)).not.toContain(kit.token);
    // The proxy metered each model response of the stage once: the scripted turns, no more.
    const implementUsage = ctx.eventsOf('usage').filter((usage) => usage.stage === 'implement');
    expect(implementUsage).toHaveLength(kit.model.requests().filter((request) => request.scenario === 'edit-and-test' && request.status === 200).length);
    // The job is final: its work is gone from the runner.
    expect(fs.existsSync(path.join(ctx.jobDir, 'workspace'))).toBe(false);
    expect(fs.existsSync(path.join(ctx.jobDir, 'home'))).toBe(false);
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });

  it('mounts the workspace read-only for a planner, whatever its tools', async () => {
    const sneaky = stageSnapshot({ id: 'plan', name: 'Plan [scenario:try-write]', type: 'planning', role: 'planner', allowedTools: ['Bash'] });
    const { ctx, deps } = await kit.newJob({ name: 'readonly', steps: [[sneaky]] });

    await runToEnd(ctx, deps);

    expect(ctx.eventsOf('tool_result')[0]).toMatchObject({ isError: true, content: expect.stringContaining('Read-only file system') });
    expect(fs.existsSync(path.join(ctx.jobDir, 'workspace', ctx.job.snapshot.repositories[0]!.name, 'planner-was-here.txt'))).toBe(false);
    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed', result: { pullRequests: [] } });
  });

  it('answers a mention with a comment through the board tools and opens no pull request (Board Interaction)', async () => {
    const answer = stageSnapshot({ id: 'answer', name: 'Answer [scenario:board-comment]', allowedTools: ['Read', 'Grep', 'Glob'] });
    const { ctx, deps, fullName } = await kit.newJob({
      name: 'mention',
      type: 'board_interaction',
      steps: [[answer]],
      trigger: { kind: 'mention', commentId: 'c1', commentBody: '@code-runner which file prints the greeting?' },
    });

    await runToEnd(ctx, deps);

    expect(ctx.statusList()).toEqual(['preparing', 'executing', 'running', 'completed']);
    expect(ctx.eventsOf('tool_call')).toEqual([expect.objectContaining({ name: 'mcp__spedy__add_comment', input: { body: expect.stringContaining('Answer from the scripted model') } })]);
    const [asked] = kit.model.requests().filter((request) => request.scenario === 'board-comment');
    expect(JSON.stringify(asked?.messages)).toContain('## You were mentioned in this comment on the ticket\\n\\n@code-runner which file prints the greeting?');
    expect(ctx.eventsOf('tool_result')[0]).toMatchObject({ isError: false, content: 'Done.' });
    expect(kit.providerApi.pullRequests.list({ repository: fullName })).toEqual([]);
  });

  it('fails with the validation output once the retries are used up', async () => {
    const implement = stageSnapshot({ id: 'implement', name: 'Implement [scenario:fail-validation]', validationCommands: ['node hello.js'], maxRetries: 1 });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'broken', steps: [[implement]] });

    await runToEnd(ctx, deps);

    const last = ctx.statuses.at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.reason).toMatch(/^Validation command "node hello.js" still fails \(exit code 1\) after 1 retry\. Its output ended with:\n/);
    expect(last.reason).toContain('SyntaxError');
    expect(ctx.eventsOf('validation').map((check) => [check.attempt, check.passed])).toEqual([[1, false], [2, false]]);
    // The retry went to the same session, with the failure.
    const sessions = ctx.eventsOf('session');
    expect(sessions).toHaveLength(2);
    expect(sessions[1]).toMatchObject({ resumed: true, sessionId: sessions[0]!.sessionId });
    const retry = kit.model.requests().filter((request) => request.scenario === 'fail-validation').at(-1);
    expect(JSON.stringify(retry?.messages)).toContain('SyntaxError');
    expect(kit.providerApi.pullRequests.list({ repository: fullName })).toEqual([]);
  });

  it('runs parallel stages in their own worktrees and merges them', async () => {
    const api = stageSnapshot({ id: 'api', name: 'API [scenario:edit-and-test] [file:api.js]' });
    const web = stageSnapshot({ id: 'web', name: 'Web [scenario:edit-and-test] [file:web.js]' });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'fullstack', steps: [[api, web]] });

    await runToEnd(ctx, deps);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    const branch = String(ctx.eventsOf('pull_request')[0]?.branch);
    expect(await kit.remote.readFile(fullName, branch, 'api.js')).toContain('Hello from Spedy');
    expect(await kit.remote.readFile(fullName, branch, 'web.js')).toContain('Hello from Spedy');
    // Both ran at once: each started before the other finished.
    const stageEvents = ctx.events.filter((event) => event.type === 'stage');
    const started = stageEvents.filter((event) => event.payload.phase === 'started').map((event) => event.at);
    const completed = stageEvents.filter((event) => event.payload.phase === 'completed').map((event) => event.at);
    expect(Math.max(...started)).toBeLessThan(Math.min(...completed));
    expect(fs.existsSync(path.join(ctx.jobDir, 'worktrees'))).toBe(false);
  });

  it('fails a parallel step whose stages changed the same file, naming it', async () => {
    const one = stageSnapshot({ id: 'one', name: 'One [scenario:write-variant]' });
    const two = stageSnapshot({ id: 'two', name: 'Two [scenario:write-variant]' });
    const { ctx, deps, fullName } = await kit.newJob({ name: 'clash', steps: [[one, two]] });

    await runToEnd(ctx, deps);

    const last = ctx.statuses.at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.reason).toContain(`The parallel stages "One [scenario:write-variant]" and "Two [scenario:write-variant]" changed the same lines in ${fullName}: hello.js.`);
    expect(kit.providerApi.pullRequests.list({ repository: fullName })).toEqual([]);
  });

  it('gives the agent the vault entries as environment variables but no git token, and masks their values in events', async () => {
    const look = stageSnapshot({ id: 'look', name: 'Look [scenario:print-env]', allowedTools: ['Bash'] });
    const { ctx, deps } = await kit.newJob({ name: 'env', steps: [[look]] });

    await runToEnd(ctx, deps);

    expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed', result: { pullRequests: [] } });
    // The agent (and so the model) saw the values; the job's events show neither.
    const seen = kit.model.requests().filter((request) => request.scenario === 'print-env').at(-1);
    expect(JSON.stringify(seen?.messages)).toContain('greeting=hello-from-the-vault git=');
    expect(JSON.stringify(kit.model.requests())).not.toContain(kit.token);
    expect(ctx.eventsOf('tool_result')[0]?.content).toBe('greeting=•••• git=');
    expect(ctx.eventsOf('notice').map((notice) => notice.message)).toContain('The pipeline changed no files, so there is no pull request.');
  });
});
