// Local Claude mode (SPEDY_AI_BACKEND=local) end to end, with real parts: the supervisor runs
// with a person's Claude login file instead of the vault's key, and the scripted model accepts
// only that login's access token as `Authorization: Bearer` (with the CLI's OAuth beta), so a
// job completes only through the copy of the login in the job's HOME, passed through the
// supervisor's model proxy. Midway the agent rewrites the login as a refresh does (new tokens,
// later expiry) and the CLI goes on with the new token: the supervisor writes it back to the
// host's file. No token shows up anywhere it could leave by; the containers hold no key.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../lib/teams/presets.ts';
import { demoRepository } from '../lib/demo/runner-demo-seed.ts';
import { secretForms } from '../supervisor/runner/mask.ts';
import { text, toolUse, type Scenario } from '../test-kit/model-server/scenario.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { codingStage, endedJobStatuses, jobIn, poll, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

const run = promisify(execFile);
const work = path.join(testStack().dataDir ?? '.test-data', `local-claude-${process.pid}`);
const hostLogin = path.join(work, 'home', '.claude', '.credentials.json');

const token = (kind: 'oat' | 'ort') => `sk-ant-${kind}01-${randomBytes(24).toString('base64url')}`;
const first = { accessToken: token('oat'), refreshToken: token('ort'), expiresAt: Date.now() + 3_600_000 };
const refreshed = { accessToken: token('oat'), refreshToken: token('ort'), expiresAt: Date.now() + 8 * 3_600_000 };
const loginFile = (login: typeof first) => JSON.stringify({ claudeAiOauth: { ...login, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max' } });

const turnUsage = [
  { input: 900, output: 50, cacheRead: 0, cacheWrite: 4000 },
  { input: 120, output: 40, cacheRead: 4000, cacheWrite: 200 },
  { input: 80, output: 30, cacheRead: 4200, cacheWrite: 0 },
];

// The refreshed login reaches the container reversed and base64-encoded, a form no masker
// knows: the tool call shows no token, so only the supervisor's handling is under test.
const encodedRefresh = [...Buffer.from(loginFile(refreshed)).toString('base64')].reverse().join('');
const refreshLogin: Scenario = {
  description: 'Rewrites ~/.claude/.credentials.json as a refresh does, writes hello.js, ends.',
  turns: [
    {
      content: [
        toolUse('Bash', {
          command: `node -e 'require("fs").writeFileSync(process.env.HOME + "/.claude/.credentials.json", Buffer.from([...process.argv[1]].reverse().join(""), "base64"))' ${encodedRefresh}`,
          description: 'Refresh the login',
        }),
      ],
      usage: turnUsage[0],
    },
    (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: "console.log('Hello from a Claude login');\n" })], usage: turnUsage[1] }),
    { content: [text('Added hello.js.')], usage: turnUsage[2] },
  ],
};

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;

beforeAll(async () => {
  fs.mkdirSync(path.dirname(hostLogin), { recursive: true });
  fs.writeFileSync(hostLogin, loginFile(first), { mode: 0o600 });
  owner = await newMember('Lola Local');
  project = await createProject(owner, 'LCL');
  runner = await startTestRunner(owner, 'LCL', {
    scenarios: { 'refresh-login': refreshLogin },
    localEnv: { SPEDY_AI_BACKEND: 'local', SPEDY_CLAUDE_CREDENTIALS: hostLogin },
    modelAccessTokens: [first.accessToken, refreshed.accessToken],
  });
  if (!runner) return;
  // One coding stage that may run Bash and write, for the demo runner.
  const id = nanoid();
  const fields = { description: 'Local mode', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: ['demo'] };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name: 'Local Builders', handle: 'local-builders', ...fields })))).toBeNull();
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = [{ id: 'step-only', stages: [codingStage('implement', { name: 'Implement [scenario:refresh-login]', allowedTools: ['Bash', 'Write', 'Read'], validationCommands: [] })] }];
  expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await owner?.zero.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Which of `secrets` (by name) show up in `text` in any form the masker knows. */
function leaked(text: string, secrets: Record<string, string>): string[] {
  const unwrapped = text.replace(/\r?\n/g, '');
  return Object.entries(secrets)
    .filter(([, value]) => secretForms(value).some((form) => text.includes(form.text) || unwrapped.includes(form.text)))
    .map(([name]) => name);
}

describe('local Claude mode', () => {
  it('runs a job on the person’s login through the model proxy, metered, writes the refreshed login back, and leaks none of it', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const docker = new Docker({ socketPath: runner!.dockerSocket });

    // The runner registered in local mode.
    const row = await poll('the runner registered', async () => {
      const [registered] = await sql<{ ai_backend: string | null }>(testStack().databaseUrl, 'SELECT ai_backend FROM runner WHERE organization_id = $1', [owner.orgID]);
      return registered;
    }, 60_000);
    expect(row.ai_backend).toBe('local');

    // Every container the job gets, as Docker holds it, from the moment it is created.
    const inspected: Docker.ContainerInspectInfo[] = [];
    const events = (await docker.getEvents({ filters: { type: ['container'], event: ['create'], label: ['spedy.job'] } })) as NodeJS.ReadableStream & { destroy(): void };
    const watching = new Promise<void>((resolve) => {
      let pending = '';
      events.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          const { id } = JSON.parse(line) as { id: string };
          docker
            .getContainer(id)
            .inspect()
            .then((info) => inspected.push(info))
            .catch(() => undefined);
        }
      });
      events.on('close', resolve);
    });

    const ticketId = await startTicket(owner, project, 'Add a greeting on my own Claude login');
    const job = await jobIn(ticketId, endedJobStatuses);
    events.destroy();
    await watching;
    expect(job.status_reason).toBeNull();
    expect(job.status).toBe('completed');
    const [pr] = job.result?.pullRequests ?? [];
    expect(await runner!.git.readFile(demoRepository.fullName, pr!.branch, 'hello.js')).toContain('Hello from a Claude login');

    // The model was reached only with the login: the first token, then (after the refresh) the new one.
    const requests = runner!.model.requests().filter((request) => request.scenario === 'refresh-login');
    expect(requests.map((request) => [request.status, request.accessToken])).toEqual([
      [200, 0],
      [200, 1],
      [200, 1],
    ]);

    // Metered by the supervisor's proxy: one usage event per model response, with the scripted counts.
    const usage = await sql<{ payload: { inputTokens: number; cacheReadTokens: number; costUsd?: number } }>(
      testStack().databaseUrl,
      "SELECT payload FROM job_event WHERE job_id = $1 AND type = 'usage' ORDER BY seq",
      [job.id],
    );
    expect(usage.map((event) => event.payload.inputTokens)).toEqual(turnUsage.map((turn) => turn.input));
    expect(usage.map((event) => event.payload.cacheReadTokens)).toEqual(turnUsage.map((turn) => turn.cacheRead));
    expect(usage.every((event) => (event.payload.costUsd ?? 0) > 0)).toBe(true);

    // The refreshed login went back to the host's file.
    expect(JSON.parse(fs.readFileSync(hostLogin, 'utf8')).claudeAiOauth).toMatchObject(refreshed);

    const secrets = {
      'first access token': first.accessToken,
      'first refresh token': first.refreshToken,
      'refreshed access token': refreshed.accessToken,
      'refreshed refresh token': refreshed.refreshToken,
    };
    // Not in the job's events, its status or result, the pull request, the supervisor's log, the job folder or the remote.
    const stored = await sql<{ payload: unknown }>(testStack().databaseUrl, 'SELECT payload FROM job_event WHERE job_id = $1', [job.id]);
    expect(stored.length).toBeGreaterThan(5);
    expect(leaked(JSON.stringify(stored), secrets)).toEqual([]);
    expect(leaked(JSON.stringify(job), secrets)).toEqual([]);
    expect(leaked(JSON.stringify(runner!.provider.pullRequests.list()), secrets)).toEqual([]);
    const supervisorLog = fs.readFileSync(runner!.supervisorLog, 'utf8');
    expect(supervisorLog).toContain('the agent refreshed the Claude login; wrote it back to the host’s file');
    expect(leaked(supervisorLog, secrets)).toEqual([]);
    const jobDir = path.join(runner!.dataDir, 'jobs', job.id);
    const kept = fs.existsSync(jobDir) ? fs.readdirSync(jobDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    for (const entry of kept) {
      expect(leaked(fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1'), secrets), entry.name).toEqual([]);
    }
    const remote = path.join(runner!.git.root, `${demoRepository.fullName}.git`);
    const { stdout: history } = await run('git', ['--git-dir', remote, 'log', '--all', '-p', '--format=%H%n%B'], { maxBuffer: 64 * 1024 * 1024 });
    expect(history).toContain('Hello from a Claude login');
    expect(leaked(history, secrets)).toEqual([]);

    // Docker never held a key or the login: no ANTHROPIC_API_KEY, the proxy token in its own header, the login a copy in the job's HOME.
    const ours = inspected.filter((info) => info.Config.Labels?.['spedy.job'] === job.id);
    expect(ours.length).toBeGreaterThan(0);
    for (const info of ours) {
      const env = info.Config.Env ?? [];
      expect(env.filter((entry) => entry.startsWith('ANTHROPIC_API_KEY=') || entry.startsWith('ANTHROPIC_AUTH_TOKEN=') || entry.startsWith('CLAUDE_CODE_OAUTH_TOKEN='))).toEqual([]);
      expect(leaked(JSON.stringify(info), secrets)).toEqual([]);
      expect(JSON.stringify(info.HostConfig.Binds ?? [])).not.toContain(hostLogin);
    }
    expect(ours.some((info) => (info.Config.Env ?? []).some((entry) => /^ANTHROPIC_CUSTOM_HEADERS=x-spedy-proxy-token: spx_[0-9a-f]+$/.test(entry)))).toBe(true);
  }, 300_000);
});
