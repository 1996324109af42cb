// The newcomer's demo runner for `npm start`: when a Docker engine is reachable (or can
// be started here), a local supervisor works the demo organization's tickets with the
// scripted model, a demo repository on the test kit's git remote and the test kit's
// provider API as its git host. Without Docker, one line says what to install.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startGitRemote } from '../test-kit/git-remote/server.ts';
import type { Scenario } from '../test-kit/model-server/scenario.ts';
import { startModelServer } from '../test-kit/model-server/server.ts';
import { startProviderApi } from '../test-kit/provider-api/server.ts';
import { demoRepository, seedDemoRunner, type RunnerSetupTarget } from '../lib/demo/runner-demo-seed.ts';
import { createKeyring } from '../lib/secrets/vault.ts';
import { dockerInstallHint, findDockerEngine } from '../supervisor/container/docker-probe.ts';
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
  appEnv: Record<string, string>;
  log: Log;
  /** Which organization and project the runner works for (default: the demo's). */
  target?: RunnerSetupTarget;
  /** Scenarios added to the scripted model's (tests). */
  scenarios?: Record<string, Scenario>;
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
    const model = await startModelServer({ scenarios: options.scenarios });
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

    // The runner-token hash key and the vault come from the app's own configuration.
    Object.assign(process.env, options.appEnv);
    const keyring = createKeyring(options.appEnv.SPEDY_VAULT_MASTER_KEY);
    const seeded = await seedDemoRunner(options.databaseUrl, keyring, { githubApiUrl: provider.githubUrl, cloneUrl, gitToken }, options.target);
    if (!seeded) {
      await stop();
      return null;
    }

    const logDir = path.join(dataDir, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const spawnSupervisor = () =>
      spawnManaged({
        name: 'demo supervisor',
        command: process.execPath,
        args: ['--import', 'tsx', 'supervisor/main.ts'],
        cwd: projectRoot,
        logFile: path.join(logDir, 'supervisor.log'),
        env: {
          ...process.env,
          SPEDY_API_URL: `${options.appUrl}/api/v1`,
          SPEDY_RUNNER_TOKEN: seeded.runnerToken,
          SPEDY_RUNNER_NAME: 'demo-runner',
          SPEDY_RUNNER_LABELS: 'demo',
          SPEDY_POOL_SIZE: '2',
          SPEDY_JOBS_DIR: path.join(dataDir, 'jobs'),
          SPEDY_MODEL_BASE_URL: model.url,
          DOCKER_HOST: `unix://${socketPath}`,
        },
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
    log('• Demo runner: a local supervisor with the scripted model (not Claude) works the demo tickets; move one to AI Processing.');
    return { stop, provider, git, supervisorLog: path.join(logDir, 'supervisor.log'), model, dockerSocket: socketPath, killSupervisor, restartSupervisor };
  } catch (error) {
    await stop();
    log(`• Runners: the demo runner could not start (${(error as Error).message}); the board works without it.`);
    return null;
  }
}
