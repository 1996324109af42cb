// The newcomer's demo runner for `npm start`: when a Docker engine is reachable (or can
// be started here), a local supervisor works the demo organization's tickets with the
// scripted model, a demo repository on the test kit's git remote and the test kit's
// provider API as its git host. Without Docker, one line says what to install.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { demoRepository, seedDemoRunner, type RunnerSetupTarget } from '../lib/demo/runner-demo-seed.ts';
import { deriveRunnerTokenHashKey } from '../lib/runners/token.ts';
import { createKeyring } from '../lib/secrets/vault.ts';
import { dockerInstallHint, findDockerEngine } from '../supervisor/container/docker-probe.ts';
import { startGitRemote } from '../test-kit/git-remote/server.ts';
import type { Scenario } from '../test-kit/model-server/scenario.ts';
import { startModelServer } from '../test-kit/model-server/server.ts';
import { startProviderApi } from '../test-kit/provider-api/server.ts';
import { demoSupervisorEnv } from './demo-supervisor-env.ts';
import { dockerdPath, startDockerEngine } from './docker-engine.ts';
import { projectRoot } from './paths.ts';
import { spawnManaged } from './process-group.ts';

type Log = (line: string) => void;

export type DemoRunner = {
  stop(): Promise<void>;
  /** The test kit's provider API (pull requests land here) and git remote. */
  provider: Awaited<ReturnType<typeof startProviderApi>>;
  git: Awaited<ReturnType<typeof startGitRemote>>;
  supervisorLog: string;
  /** The scripted model (its request log) and the Docker engine the agents run in, for tests. */
  model: Awaited<ReturnType<typeof startModelServer>>;
  dockerSocket: string;
  /** SIGKILL to the supervisor (as a crash would: no goodbye to the platform). For tests. */
  killSupervisor(): Promise<void>;
  /** Starts the supervisor again after killSupervisor(), with the same settings. For tests. */
  restartSupervisor(): void;
  /** SIGTERM to the supervisor (as `docker stop` sends): it drains and exits by itself. For tests. */
  terminateSupervisor(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Another supervisor on this host with the same token and labels, under another name and job
   * folder (a second runner); stopped with the demo runner. For tests.
   */
  startAnotherSupervisor(name: string): { logFile: string };
  /** The supervisor process's id (its memory, for the supervisor bench). */
  supervisorPid(): number;
};

const demoFiles = {
  'README.md': '# Spedy demo\n\nA tiny repository the demo runner works on.\n',
  'package.json': JSON.stringify({ name: 'spedy-demo', version: '1.0.0', scripts: { test: 'node --version' } }, null, 2) + '\n',
  'index.js': "console.log('hello from the Spedy demo');\n",
};

export async function startDemoRunner(options: {
  dataDir: string;
  appUrl: string;
  databaseUrl: string;
  /** The app's environment: only its vault master key and auth secret are read (for the keyring and the runner-token hash key). */
  appEnv: Readonly<Record<string, string | undefined>>;
  log: Log;
  /** Which organization and project the runner works for (default: the demo's). */
  target?: RunnerSetupTarget;
  /** Scenarios added to the scripted model's (tests). */
  scenarios?: Record<string, Scenario>;
  /** Values in the supervisor's own environment, as an operator's local .env would hold (tests). */
  localEnv?: Readonly<Record<string, string>>;
  /** The scripted model accepts only these Claude login tokens (tests of local mode; see startModelServer). */
  modelAccessTokens?: readonly string[];
  /** The supervisor's SPEDY_POOL_SIZE (default 2). */
  poolSize?: number;
}): Promise<DemoRunner | null> {
  const { dataDir, log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let socketPath = await findDockerEngine();
    if (!socketPath && dockerdPath() && process.getuid?.() === 0) {
      const engine = await startDockerEngine({ dataDir: path.join(dataDir, 'docker') });
      stops.push(engine.stop);
      socketPath = engine.socketPath;
    }
    if (!socketPath) {
      log(`• Runners: no Docker engine is reachable, so the demo runner is off. Install one (${dockerInstallHint()}) or start Docker, then start again.`);
      return null;
    }

    const gitToken = `demo_${randomBytes(16).toString('hex')}`;
    // first-job: each stage of the demo's Code Runner pipeline does its own part (plan, code and test, review).
    const model = await startModelServer({ scenarios: options.scenarios, defaultScenario: 'first-job', accessTokens: options.modelAccessTokens });
    stops.push(model.stop);
    const gitRoot = path.join(dataDir, 'git-remote');
    const git = await startGitRemote({ root: gitRoot, token: gitToken });
    stops.push(git.stop);
    const repoDir = path.join(gitRoot, `${demoRepository.fullName}.git`);
    const cloneUrl = fs.existsSync(repoDir)
      ? `${git.url}/${demoRepository.fullName}.git`
      : (await git.createRepository(demoRepository.fullName, { defaultBranch: demoRepository.defaultBranch, files: demoFiles })).cloneUrl;
    const provider = await startProviderApi();
    stops.push(provider.close);
    provider.addToken(gitToken, { kind: 'github-classic', login: 'spedy-demo', scopes: ['repo'], repositories: [demoRepository.fullName] });
    provider.repositories.add('github', demoRepository.fullName, { defaultBranch: demoRepository.defaultBranch, cloneUrl });

    // The vault's keyring and the runner-token hash key come from the app's own secrets, passed in.
    const { SPEDY_VAULT_MASTER_KEY: vaultMasterKey, BETTER_AUTH_SECRET: authSecret } = options.appEnv;
    if (!vaultMasterKey || !authSecret) throw new Error('the app environment lacks SPEDY_VAULT_MASTER_KEY or BETTER_AUTH_SECRET');
    const seeded = await seedDemoRunner(
      options.databaseUrl,
      createKeyring(vaultMasterKey),
      deriveRunnerTokenHashKey(authSecret),
      { githubApiUrl: provider.githubUrl, cloneUrl, gitToken },
      options.target,
    );
    if (!seeded) {
      await stop();
      return null;
    }

    const logDir = path.join(dataDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const spawnSupervisor = (runnerName?: string) =>
      spawnManaged({
        name: `demo supervisor${runnerName ? ` ${runnerName}` : ''}`,
        command: process.execPath,
        args: ['--import', 'tsx', 'supervisor/main.ts'],
        cwd: projectRoot,
        logFile: path.join(logDir, runnerName ? `supervisor-${runnerName}.log` : 'supervisor.log'),
        env: demoSupervisorEnv({
          appUrl: options.appUrl,
          runnerToken: seeded.runnerToken,
          jobsDir: path.join(dataDir, runnerName ? `jobs-${runnerName}` : 'jobs'),
          modelUrl: model.url,
          dockerSocket: socketPath,
          localEnv: options.localEnv,
          poolSize: options.poolSize,
          runnerName,
        }),
      });
    let supervisor = spawnSupervisor();
    stops.push(() => supervisor.stop());
    const killSupervisor = async () => {
      if (!supervisor.hasExited()) process.kill(-supervisor.pid, 'SIGKILL');
      await supervisor.exited;
    };
    const restartSupervisor = () => {
      supervisor = spawnSupervisor();
    };
    const terminateSupervisor = async () => {
      if (!supervisor.hasExited()) process.kill(supervisor.pid, 'SIGTERM');
      return supervisor.exited;
    };
    const startAnotherSupervisor = (name: string) => {
      const another = spawnSupervisor(name);
      stops.push(() => another.stop());
      return { logFile: another.logFile };
    };
    log('• Demo runner: a local supervisor with the scripted model (not Claude) works the demo tickets; move one to AI Processing.');
    return {
      stop,
      provider,
      git,
      supervisorLog: path.join(logDir, 'supervisor.log'),
      model,
      dockerSocket: socketPath,
      killSupervisor,
      restartSupervisor,
      terminateSupervisor,
      startAnotherSupervisor,
      supervisorPid: () => supervisor.pid,
    };
  } catch (error) {
    await stop();
    log(`• Runners: the demo runner could not start (${(error as Error).message}); the board works without it.`);
    return null;
  }
}
