import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EpicRunPart, StageSnapshot } from '@spedy/protocol/wire';
import { git, repositoryPath } from '../../test-kit/git-remote/repositories.ts';
import { text, toolUse, type Scenario, type TurnRequest } from '../../test-kit/model-server/scenario.ts';
import { claimedTestJob, FakeJobContext, stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { RUNNER_UID } from '../image/runner-image.ts';

// An epic run's jobs through runJob with real parts (Claude Code in runner containers, the
// scripted model, git against the test kit's remote, pull requests on the provider stand-in):
// the reset sets the run's branch to the base, sub-runs land one commit each on it (the later
// rebased onto the earlier; a real conflict fails it naming the file), and the closing job
// opens the one pull request.

/** The file the held agent waits for, in the job's workspace (mounted at /workspace): the test creates it. */
const releaseFile = '.epic-release';

function fileOf(request: TurnRequest): string {
  return /\[file:([^\]\s]+)\]/.exec(request.prompt)?.[1] ?? 'hello.js';
}

function held(request: TurnRequest): boolean {
  return request.prompt.includes('[held]');
}

const write = (request: TurnRequest) => ({
  content: [toolUse('Write', { file_path: `${request.workingDirectory}/${fileOf(request)}`, content: `console.log(${JSON.stringify(request.prompt.split('\n')[0] ?? '')});\n` })],
});
const done = { content: [text('Wrote my part.')] };

const scenarios: Record<string, Scenario> = {
  'epic-write': {
    description:
      'Writes the [file:…] file (hello.js by default) with a line naming the stage, then ends. With [held] in the prompt it first waits (Bash) until the test creates /workspace/.epic-release.',
    turns: [
      (request) =>
        held(request)
          ? { content: [toolUse('Bash', { command: `until [ -f /workspace/${releaseFile} ]; do sleep 0.2; done`, description: 'Wait for the test', timeout: 600_000 })] }
          : write(request),
      (request) => (held(request) ? write(request) : done),
      done,
    ],
  },
  'epic-leak': {
    description: 'Writes a vault value into leak.txt with Bash, then ends.',
    turns: [{ content: [toolUse('Bash', { command: 'echo "greeting=$CUSTOM_GREETING" > leak.txt', description: 'Leak' })] }, done],
  },
};

let kit: RunnerTestKit;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'epic', scenarios });
});

afterAll(async () => {
  await kit?.stop();
});

const epicTicket = { displayId: 'SPD-7', title: 'Greetings everywhere', description: 'Every part of the app greets.' };
const branch = 'epic/spd-7';

function part(role: EpicRunPart['role']): EpicRunPart {
  return { runId: 'run_1', epicTicketId: 'ticket_spd_7', branch, role };
}

function stage(name: string): StageSnapshot {
  return stageSnapshot({ id: 'implement', name: `Implement ${name} [scenario:epic-write]` });
}

/** Another job of the run on the first's repository, in a job folder of its own. */
function jobOnRepository(first: { ctx: FakeJobContext }, id: string, input: { epic: EpicRunPart; steps?: StageSnapshot[][]; ticket?: typeof epicTicket }): FakeJobContext {
  const job = claimedTestJob({ id, steps: input.steps ?? [], repositories: first.ctx.job.snapshot.repositories, ticket: input.ticket, epic: input.epic });
  return new FakeJobContext(job, path.join(path.dirname(first.ctx.jobDir), id), first.ctx.secrets);
}

/** Lets the held agent of `ctx` go on. */
function release(ctx: FakeJobContext): void {
  const file = path.join(ctx.jobDir, 'workspace', releaseFile);
  fs.writeFileSync(file, '');
  if (process.getuid?.() === 0) fs.chownSync(file, RUNNER_UID, RUNNER_UID);
}

function heldUntilReleased(ctx: FakeJobContext): Promise<void> {
  return ctx.until('the held agent waiting', () => ctx.eventsOf('tool_call').some((call) => call.name === 'Bash'), 120_000);
}

describe('an epic run’s jobs', () => {
  let reset: Awaited<ReturnType<RunnerTestKit['newJob']>>;
  const onRemote = async (...args: string[]) => (await git(args, repositoryPath(kit.remote.root, reset.fullName))).trim();

  it('resets: the branch is created at the base branch, with no agent', async () => {
    reset = await kit.newJob({ name: 'epic', ticket: epicTicket, epic: part('reset'), steps: [[stage('never')]] });

    await runToEnd(reset.ctx, reset.deps);

    expect(reset.ctx.statusList()).toEqual(['preparing', 'executing', 'syncing', 'completed']);
    const main = await onRemote('rev-parse', 'refs/heads/main');
    expect(await onRemote('rev-parse', `refs/heads/${branch}`)).toBe(main);
    expect(reset.ctx.statuses.at(-1)?.result).toEqual({ pullRequests: [], epicBranch: [{ repository: reset.fullName, branch, commit: main }] });
    expect(kit.model.requests().filter((request) => request.scenario === 'epic-write')).toEqual([]);
    expect(await kit.containersOf(reset.ctx.job.id)).toEqual([]);
  });

  it('lands two sub-runs on the branch, one commit each, the later rebased onto the earlier, and opens no pull request', async () => {
    const ticket = (n: number, title: string) => ({ displayId: `SPD-${n}`, title, description: `${title}.` });
    const api = jobOnRepository(reset, 'job_epic_api', { epic: part('sub-run'), steps: [[stage('API [file:api.js]')]], ticket: ticket(8, 'Greet from the API') });
    const web = jobOnRepository(reset, 'job_epic_web', { epic: part('sub-run'), steps: [[stage('web [file:web.js] [held]')]], ticket: ticket(9, 'Greet from the web') });

    // The web sub-run checks out the branch first and holds; the API sub-run lands meanwhile.
    const webRun = runToEnd(web, reset.deps);
    await heldUntilReleased(web);
    await runToEnd(api, reset.deps);
    release(web);
    await webRun;

    for (const ctx of [api, web]) expect(ctx.statuses.at(-1)).toMatchObject({ status: 'completed' });
    expect(web.eventsOf('notice').map((notice) => notice.message)).toContain(`${reset.fullName} is checked out from ${branch} in /workspace/${reset.ctx.job.snapshot.repositories[0]!.name}.`);
    expect(await onRemote('log', '--format=%s', `main..${branch}`)).toBe('SPD-9: Greet from the web\nSPD-8: Greet from the API');
    expect(await onRemote('rev-list', '--merges', `main..${branch}`)).toBe('');
    expect(await kit.remote.readFile(reset.fullName, branch, 'api.js')).toContain('Implement API');
    expect(await kit.remote.readFile(reset.fullName, branch, 'web.js')).toContain('Implement web');
    const [apiCommit, webCommit] = [await onRemote('rev-parse', `${branch}~1`), await onRemote('rev-parse', branch)];
    expect(api.statuses.at(-1)?.result).toEqual({ pullRequests: [], epicBranch: [{ repository: reset.fullName, branch, commit: apiCommit }] });
    expect(web.statuses.at(-1)?.result).toEqual({ pullRequests: [], epicBranch: [{ repository: reset.fullName, branch, commit: webCommit }] });
    expect(web.eventsOf('notice').map((notice) => notice.message)).toContain(`Landed ${webCommit.slice(0, 12)} on ${branch} in ${reset.fullName}.`);
    expect(kit.providerApi.pullRequests.list({ repository: reset.fullName })).toEqual([]);
    expect([...api.events, ...web.events].filter((event) => event.type === 'pull_request')).toEqual([]);
    // Each saved its checkpoint on the way, and removed it once landed.
    expect(api.checkpoints).toHaveLength(1);
    expect(await onRemote('for-each-ref', 'refs/spedy/')).toBe('');
  });

  it('fails a sub-run whose work conflicts with what another one landed first (both wrote hello.js), naming the file, and leaves the branch as it was', async () => {
    const ticket = (n: number) => ({ displayId: `SPD-${n}`, title: `Shout ${n}`, description: 'Shout.' });
    const first = jobOnRepository(reset, 'job_epic_shout_1', { epic: part('sub-run'), steps: [[stage('one')]], ticket: ticket(10) });
    const second = jobOnRepository(reset, 'job_epic_shout_2', { epic: part('sub-run'), steps: [[stage('two [held]')]], ticket: ticket(11) });

    const secondRun = runToEnd(second, reset.deps);
    await heldUntilReleased(second);
    await runToEnd(first, reset.deps);
    const landed = await onRemote('rev-parse', branch);
    release(second);
    await secondRun;

    expect(first.statuses.at(-1)).toMatchObject({ status: 'completed' });
    const last = second.statuses.at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.reason).toBe(
      `This ticket's work conflicts with what other tickets of the epic landed on ${branch} in ${reset.fullName} since it started: hello.js. ` +
        'Retry it (it starts again from the branch as it is now), or have the tickets change separate parts of the files.',
    );
    expect(await onRemote('rev-parse', branch)).toBe(landed);
    expect(await kit.remote.readFile(reset.fullName, branch, 'hello.js')).toContain('Implement one');
  });

  it('scans a sub-run’s commit for the job’s secrets before landing it: one found, nothing is pushed', async () => {
    const before = await onRemote('rev-parse', branch);
    const leak = jobOnRepository(reset, 'job_epic_leak', {
      epic: part('sub-run'),
      steps: [[stageSnapshot({ id: 'implement', name: 'Leak [scenario:epic-leak]' })]],
      ticket: { displayId: 'SPD-12', title: 'Leak', description: 'Leak.' },
    });

    await runToEnd(leak, reset.deps);

    expect(leak.statuses.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Nothing was pushed: the job's branch holds secret values \(CUSTOM_GREETING in leak\.txt\)\./) });
    expect(await onRemote('rev-parse', branch)).toBe(before);
  });

  it('closes: one pull request from the branch to the base, with the epic’s title and each ticket’s commit', async () => {
    // As the platform sends it: no stages (lib/epics/jobs.ts).
    const closing = jobOnRepository(reset, 'job_epic_closing', { epic: part('closing'), ticket: epicTicket });
    const agentTurns = kit.model.requests().length;

    await runToEnd(closing, reset.deps);

    expect(closing.statusList()).toEqual(['preparing', 'executing', 'syncing', 'completed']);
    const prs = kit.providerApi.pullRequests.list({ repository: reset.fullName });
    expect(prs).toHaveLength(1);
    const [pr] = prs;
    expect(pr).toMatchObject({ head: branch, base: 'main', title: 'SPD-7: Greetings everywhere' });
    expect(pr!.body).toContain('Resolves the epic **SPD-7**: Greetings everywhere');
    expect(pr!.body).toContain('- SPD-8: Greet from the API\n- SPD-9: Greet from the web\n- SPD-10: Shout 10');
    const delivered = { repository: reset.fullName, url: pr!.url, number: pr!.number, branch };
    expect(closing.eventsOf('pull_request')).toEqual([delivered]);
    expect(closing.statuses.at(-1)?.result).toEqual({ pullRequests: [delivered], epicBranch: [{ repository: reset.fullName, branch, commit: await onRemote('rev-parse', branch) }] });
    expect(kit.model.requests()).toHaveLength(agentTurns);
    expect(await kit.containersOf(closing.job.id)).toEqual([]);
  });
  it('a retried closing job reuses the pull request already open from the branch (the host answers "already exists")', async () => {
    const [opened] = kit.providerApi.pullRequests.list({ repository: reset.fullName });
    const posts = () => kit.providerApi.requests.filter((r) => r.method === 'POST' && r.path === `/github/repos/${reset.fullName}/pulls`).length;
    const postsBefore = posts();
    const retried = jobOnRepository(reset, 'job_epic_closing_retry', { epic: part('closing'), ticket: epicTicket });

    await runToEnd(retried, reset.deps);

    expect(retried.statusList()).toEqual(['preparing', 'executing', 'syncing', 'completed']);
    // The host was asked again and refused the duplicate; the job reports the one that is open.
    expect(posts()).toBe(postsBefore + 1);
    expect(kit.providerApi.pullRequests.list({ repository: reset.fullName })).toEqual([opened]);
    const delivered = { repository: reset.fullName, url: opened!.url, number: opened!.number, branch };
    expect(retried.eventsOf('pull_request')).toEqual([delivered]);
    expect(retried.statuses.at(-1)?.result).toMatchObject({ pullRequests: [delivered] });
  });
});
