// What runJob's Docker tests share: the scripted model, a git remote and the provider
// stand-in, started once per suite; a fresh repository, job folder and fake context per
// test. The agent reaches the scripted model through the supervisor's model proxy on the
// job's model socket (key mode: the scripted model insists on the vault's key, which only
// the proxy has). runToEnd runs runJob the way the job lifecycle does, so its outcome is
// reported (and a final job's work removed) as in production.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { fromRoot } from '../../../stack/paths.ts';
import type { EpicRunPart, JobSnapshot, JobType, StageSnapshot } from '@spedy/protocol/wire';
import { startGitRemote, type GitRemote } from '../../../test-kit/git-remote/server.ts';
import { text, toolUse, type Scenario, type TurnRequest } from '../../../test-kit/model-server/scenario.ts';
import { builtInScenarios } from '../../../test-kit/model-server/scenarios.ts';
import { startModelServer, type ModelServer } from '../../../test-kit/model-server/server.ts';
import { startProviderApi, type ProviderApi } from '../../../test-kit/provider-api/server.ts';
import { removeOrphans } from '../../../supervisor/container/remove.ts';
import { ContainerLabel } from '../../../supervisor/container/stage-container.ts';
import type { ContainmentSettings } from '../../../supervisor/egress/job-sockets.ts';
import { installRelayScript } from '../../../supervisor/egress/relay.ts';
import type { BoardToolsMcp } from '../../../supervisor/mcp/board-tools-server.ts';
import { claimedTestJob, FakeJobContext } from './fake-job-context.ts';
import type { RunJobDeps } from '../../../supervisor/runner/job-run.ts';
import { runToEnd as runToEndOf } from '../../../supervisor/runner/job-lifecycle.ts';
import { runJob } from '../../../supervisor/runner/run-job.ts';
import { createModelProxy, type ModelProxy } from '../../../supervisor/model-proxy/model-proxy.ts';

const quietLog = { error: () => undefined };

/** runJob on a fake context, its outcome reported as the job lifecycle reports it. */
export function runToEnd(ctx: FakeJobContext, deps: RunJobDeps): Promise<void> {
  return runToEndOf(ctx, () => runJob(ctx, deps), quietLog, () => ctx.cancelled);
}

const stubMcpServer = fromRoot('test-kit', 'model-server', 'stub-mcp-server.mjs');

function stageLine(request: TurnRequest): string {
  return request.prompt.split('\n')[0] ?? '';
}

/** Scenarios the built-ins do not cover. */
export const runnerScenarios: Record<string, Scenario> = {
  // Two parallel stages writing the same file differently.
  'write-variant': {
    description: 'Writes hello.js with a line naming the stage, then ends.',
    turns: [
      (request) => ({
        content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: `console.log(${JSON.stringify(stageLine(request))});\n` })],
      }),
      { content: [text('Wrote my variant of hello.js.')] },
    ],
  },
  'try-write': {
    description: 'Tries to write a file in its working directory with Bash.',
    turns: [
      { content: [toolUse('Bash', { command: 'echo planned > planner-was-here.txt', description: 'Write a file' })] },
      (request) => ({ content: [text(`Writing gave: ${request.toolResults[0]?.text.trim()}`)] }),
    ],
  },
  // Budgets (budget.docker.test.ts): turns with scripted usage, priced by the one price list (Sonnet: $15 per million output tokens).
  'budget-steps': {
    description: 'Writes hello.js ($1.50), runs it ($1.80), runs it again ($0.72), then ends with a summary ($0.015).',
    turns: [
      (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: "console.log('Hello from Spedy');\n" })], usage: { input: 0, output: 100_000, cacheRead: 0, cacheWrite: 0 } }),
      { content: [toolUse('Bash', { command: 'node hello.js', description: 'Run it' })], usage: { input: 0, output: 120_000, cacheRead: 0, cacheWrite: 0 } },
      { content: [toolUse('Bash', { command: 'node hello.js', description: 'Run it again' })], usage: { input: 0, output: 48_000, cacheRead: 0, cacheWrite: 0 } },
      { content: [text('Added hello.js; it prints a greeting.')], usage: { input: 0, output: 1000, cacheRead: 0, cacheWrite: 0 } },
    ],
  },
  'fix-on-retry': {
    description: 'Writes a broken hello.js and ends; after the validation failure writes a working one and ends.',
    turns: [
      (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: "console.log('Hello from Spedy'\n" })], usage: { input: 100, output: 10, cacheRead: 1000, cacheWrite: 500 } }),
      { content: [text('Wrote hello.js.')], usage: { input: 100, output: 10, cacheRead: 1500, cacheWrite: 0 } },
      (request) => ({ content: [toolUse('Write', { file_path: `${request.workingDirectory}/hello.js`, content: "console.log('Hello from Spedy');\n" })], usage: { input: 100, output: 10, cacheRead: 1500, cacheWrite: 200 } }),
      { content: [text('Fixed hello.js.')], usage: { input: 100, output: 10, cacheRead: 1700, cacheWrite: 0 } },
    ],
  },
  'print-env': {
    description: 'Prints environment variables with Bash.',
    turns: [
      { content: [toolUse('Bash', { command: 'echo "greeting=$CUSTOM_GREETING git=$GITHUB_TOKEN"', description: 'Show the variables' })] },
      (request) => ({ content: [text(`The environment says: ${request.toolResults[0]?.text.trim()}`)] }),
    ],
  },
};

export interface RunnerTestKit {
  docker: Docker;
  image: string;
  model: ModelServer;
  /** The supervisor's model proxy the agents go through. */
  modelProxy: ModelProxy;
  /** The vault's Anthropic key: the scripted model accepts only it, and only the proxy has it. */
  apiKey: string;
  remote: GitRemote;
  providerApi: ProviderApi;
  token: string;
  /** A repository with `files` on `main`, and a job on it with a fake context. */
  newJob(input: {
    name: string;
    steps: StageSnapshot[][];
    files?: Record<string, string>;
    /** Vault entries besides the key and CUSTOM_GREETING. */
    vault?: Record<string, string>;
    type?: JobType;
    trigger?: JobSnapshot['trigger'];
    allowedHosts?: string[];
    /** The repository's setup commands (its layer on top of the runner image). */
    setupCommands?: string[];
    /** Budget fields that differ from the test default (small time limits). */
    budget?: Partial<JobSnapshot['budget']>;
    /** The ticket, when not the default SPD-42. */
    ticket?: { displayId: string; title: string; description: string };
    /** The job's part in an epic run. */
    epic?: EpicRunPart;
  }): Promise<{ ctx: FakeJobContext; fullName: string; deps: RunJobDeps }>;
  /** The test's containers still present (running or exited). */
  containersOf(jobId: string): Promise<Docker.ContainerInfo[]>;
  stop(): Promise<void>;
}

/** Contained as the supervisor contains jobs, with limits small enough for tests. */
export const testContainerLimits = { memoryMb: 1024, cpus: 1, pids: 256 };
/** Short, whatever the checkout's depth: socket paths are limited to 107 bytes. */
export const testSocketsDir = path.join(os.tmpdir(), 'spedy-sockets-test');

export async function startRunnerTestKit(options: {
  dockerSocket: string;
  image: string;
  suite: string;
  /** The supervisor's SPEDY_ALLOWED_INTERNAL_HOSTS (a loopback test server a job's team allows). */
  allowedInternalHosts?: string;
  /** The suite's own scenarios, besides the built-in and the runner ones. */
  scenarios?: Record<string, Scenario>;
}): Promise<RunnerTestKit> {
  const docker = new Docker({ socketPath: options.dockerSocket });
  const suite = `${options.suite}-${randomBytes(3).toString('hex')}`;
  const root = fromRoot('.test-data', 'runner-tests', suite);
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const token = `ghs_${randomBytes(16).toString('hex')}`;
  const apiKey = `sk-ant-api03-${randomBytes(24).toString('base64url')}`;
  const modelProxy = createModelProxy();
  const [model, remote, providerApi] = await Promise.all([
    startModelServer({ scenarios: { ...builtInScenarios, ...runnerScenarios, ...options.scenarios }, apiKey }),
    startGitRemote({ token }),
    startProviderApi(),
  ]);
  const repositories: string[] = [];
  const jobIds: string[] = [];
  const containment: ContainmentSettings = {
    socketsDir: testSocketsDir,
    relayScript: await installRelayScript(testSocketsDir),
    limits: testContainerLimits,
    allowedInternalHosts: options.allowedInternalHosts,
  };
  // The stub stands in for the supervisor's board tools script, at the same path inside the container.
  const boardTools: BoardToolsMcp = {
    name: 'spedy',
    server: { command: 'node', args: ['/spedy/board-tools.mjs'], env: { SPEDY_TOOLS_URL: 'http://127.0.0.1:9', SPEDY_TOOLS_SECRET: 'unused-by-the-stub' } },
    bind: { host: stubMcpServer, container: '/spedy/board-tools.mjs', readOnly: true },
    allowedTools: ['mcp__spedy__ask_user', 'mcp__spedy__add_comment'],
  };

  return {
    docker,
    image: options.image,
    model,
    modelProxy,
    apiKey,
    remote,
    providerApi,
    token,
    async newJob(input) {
      const name = `${input.name}-${randomBytes(2).toString('hex')}`;
      const fullName = `acme/${name}`;
      const { cloneUrl } = await remote.createRepository(fullName, { files: input.files ?? { 'README.md': `# ${name}\n` } });
      repositories.push(fullName);
      providerApi.addToken(token, { kind: 'github-classic', login: 'spedy-bot', scopes: ['repo'], repositories: [...repositories] });
      const id = `job_${name.replace(/-/g, '_')}`;
      jobIds.push(id);
      const job = claimedTestJob({
        allowedHosts: input.allowedHosts,
        budget: input.budget,
        ticket: input.ticket,
        epic: input.epic,
        id,
        type: input.type,
        trigger: input.trigger,
        steps: input.steps,
        repositories: [{ provider: 'github', fullName, name, cloneUrl, baseBranch: 'main', setupCommands: input.setupCommands ?? [] }],
      });
      // GITHUB_TOKEN as an older platform sent it in the vault's environment: it must still not reach the agent.
      const ctx = new FakeJobContext(job, path.join(root, id), { ANTHROPIC_API_KEY: apiKey, GITHUB_TOKEN: token, CUSTOM_GREETING: 'hello-from-the-vault', ...input.vault });
      const deps: RunJobDeps = {
        docker,
        image: options.image,
        modelBaseUrl: model.url,
        modelProxy,
        boardToolsMcp: () => boardTools,
        providers: [{ provider: 'github', apiUrl: providerApi.githubUrl, token, username: null }],
        containment,
      };
      return { ctx, fullName, deps };
    },
    containersOf: (jobId) => docker.listContainers({ all: true, filters: { label: [`${ContainerLabel.job}=${jobId}`] } }),
    async stop() {
      await Promise.all(jobIds.map((id) => removeOrphans(docker, `${ContainerLabel.job}=${id}`).catch(() => undefined)));
      await Promise.all([model.stop(), remote.stop(), providerApi.close(), modelProxy.close()]);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
