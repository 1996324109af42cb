import { describe, expect, it } from 'vitest';
import { demoSupervisorEnv } from './demo-supervisor-env.ts';

const settings = {
  appUrl: 'http://localhost:3000',
  runnerToken: `rnt_${'a'.repeat(64)}`,
  jobsDir: '/data/jobs',
  modelUrl: 'http://127.0.0.1:4100',
  dockerSocket: '/tmp/spedy-dockerd-abc123/docker.sock',
};

/** What the launcher's own environment holds once the stack runs: the platform's secrets among the machine's settings. */
const launcherEnv = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/root',
  BETTER_AUTH_SECRET: 'b'.repeat(48),
  SPEDY_VAULT_MASTER_KEY: 'v'.repeat(48),
  DATABASE_URL: 'postgres://spedy:secret@127.0.0.1:5432/spedy',
  ZERO_ADMIN_PASSWORD: 'zero-admin',
  GITHUB_TOKEN: 'ghp_developer',
  NODE_OPTIONS: '--require something',
};

describe('the demo supervisor’s environment', () => {
  it('lacks the platform’s own secrets and database URL, and anything else the launcher happens to have', () => {
    const env = demoSupervisorEnv(settings, launcherEnv);
    for (const name of ['BETTER_AUTH_SECRET', 'SPEDY_VAULT_MASTER_KEY', 'DATABASE_URL', 'ZERO_ADMIN_PASSWORD', 'GITHUB_TOKEN', 'NODE_OPTIONS']) {
      expect(env, name).not.toHaveProperty(name);
    }
    expect(Object.values(env)).not.toContain(launcherEnv.BETTER_AUTH_SECRET);
    expect(Object.values(env)).not.toContain(launcherEnv.SPEDY_VAULT_MASTER_KEY);
  });

  it('names the platform, its runner token, the scripted model and its Docker engine, and keeps PATH and HOME', () => {
    expect(demoSupervisorEnv(settings, launcherEnv)).toEqual({
      PATH: launcherEnv.PATH,
      HOME: launcherEnv.HOME,
      NODE_ENV: 'production',
      SPEDY_API_URL: 'http://localhost:3000/api/v1',
      SPEDY_RUNNER_TOKEN: settings.runnerToken,
      SPEDY_RUNNER_NAME: 'demo-runner',
      SPEDY_RUNNER_LABELS: 'demo',
      SPEDY_POOL_SIZE: '2',
      SPEDY_JOBS_DIR: '/data/jobs',
      SPEDY_MODEL_BASE_URL: 'http://127.0.0.1:4100',
      DOCKER_HOST: `unix://${settings.dockerSocket}`,
    });
  });

  it('carries the local values a test gives it, which cannot replace the demo’s own settings', () => {
    const env = demoSupervisorEnv({ ...settings, localEnv: { VALUES_OVERRIDE: 'local', SPEDY_RUNNER_TOKEN: 'other' } }, launcherEnv);
    expect(env.VALUES_OVERRIDE).toBe('local');
    expect(env.SPEDY_RUNNER_TOKEN).toBe(settings.runnerToken);
  });
});
