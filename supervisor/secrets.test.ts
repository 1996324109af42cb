import { describe, expect, it } from 'vitest';
import type { BootstrapResponse } from '@spedy/protocol/wire';
import { loadSupervisorConfig } from './config.ts';
import { createSecretStore, mergeLocalOverrides } from './secrets.ts';

const bundle: BootstrapResponse = {
  env: { ANTHROPIC_API_KEY: 'sk-ant-platform', NPM_TOKEN: 'npm-platform', GITHUB_TOKEN: 'ghp-platform' },
  git: [{ provider: 'github', apiUrl: 'https://api.github.com', token: 'ghp-platform', username: null }],
  fetchedAt: 1,
};
const quiet = { info: () => undefined, warn: () => undefined };

describe('runner secrets', () => {
  it('lets a local value win over the platform, and keeps git tokens out of the agent environment', () => {
    const merged = mergeLocalOverrides(bundle, { ANTHROPIC_API_KEY: 'sk-ant-local', GITHUB_TOKEN: 'ghp-local' });
    expect(merged.env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-local', NPM_TOKEN: 'npm-platform' });
    expect(merged.git[0].token).toBe('ghp-local');
  });

  it('offers the local keys even when the platform has none yet (migration)', () => {
    expect(mergeLocalOverrides({ env: {}, git: [], fetchedAt: 1 }, { ANTHROPIC_API_KEY: 'sk-ant-local' }).env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-local' });
  });

  it('lets only the names SPEDY_SECRET_OVERRIDES lists override: a vault entry named like a host variable keeps its value', () => {
    const hostEnv = {
      SPEDY_API_URL: 'http://localhost:3000/api/v1',
      SPEDY_RUNNER_TOKEN: `rnt_${'a'.repeat(64)}`,
      ANTHROPIC_API_KEY: 'sk-ant-local',
      AWS_SECRET_ACCESS_KEY: 'the-host-aws-secret',
      BITBUCKET_TOKEN: 'bb-local',
    };
    const config = loadSupervisorConfig(hostEnv);
    const merged = mergeLocalOverrides({ env: { AWS_SECRET_ACCESS_KEY: 'the-vault-aws-secret' }, git: [], fetchedAt: 1 }, config.localEnv);
    expect(merged.env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-local', AWS_SECRET_ACCESS_KEY: 'the-vault-aws-secret' });
    const widened = loadSupervisorConfig({ ...hostEnv, SPEDY_SECRET_OVERRIDES: 'AWS_*' });
    expect(widened.localEnv).toEqual({ AWS_SECRET_ACCESS_KEY: 'the-host-aws-secret' });
  });

  it('keeps the last bundle when a refresh fails, and fails start when the first fetch does', async () => {
    let calls = 0;
    const store = createSecretStore({
      localEnv: {},
      log: quiet,
      fetchBundle: async () => {
        calls++;
        if (calls > 1) throw new Error('platform down');
        return bundle;
      },
    });
    await store.start();
    await store.refresh();
    expect(store.current().env.NPM_TOKEN).toBe('npm-platform');
    store.stop();
    const failing = createSecretStore({ localEnv: {}, log: quiet, fetchBundle: async () => Promise.reject(new Error('401 revoked')) });
    await expect(failing.start()).rejects.toThrow('401 revoked');
  });

  it('asks the platform for a job’s git access each time, a local token still winning for its host', async () => {
    const asked: string[] = [];
    let minted = 0;
    const store = createSecretStore({
      fetchBundle: async () => bundle,
      fetchGitAccess: async (jobId) => {
        asked.push(jobId);
        minted += 1;
        return {
          git: [
            { provider: 'github', apiUrl: 'https://api.github.com', token: `ghs_minted_${minted}`, username: null },
            { provider: 'bitbucket', apiUrl: 'https://api.bitbucket.org/2.0', token: 'ATATT-platform', username: null, email: 'bitty@example.com' },
          ],
          refused: [{ repository: 'group/tool', reason: 'GitLab' }],
        };
      },
      localEnv: { BITBUCKET_TOKEN: 'ATATT-local' },
      log: quiet,
    });
    const first = await store.gitAccess('job_1');
    const second = await store.gitAccess('job_1');
    expect(asked).toEqual(['job_1', 'job_1']);
    expect(first.git.map((g) => g.token)).toEqual(['ghs_minted_1', 'ATATT-local']);
    expect(second.git[0]?.token).toBe('ghs_minted_2');
    expect(second.git[1]).toMatchObject({ email: 'bitty@example.com' });
    expect(first.refused).toEqual([{ repository: 'group/tool', reason: 'GitLab' }]);
  });
});
