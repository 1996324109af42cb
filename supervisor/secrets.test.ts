import { describe, expect, it } from 'vitest';
import type { BootstrapResponse } from '@spedy/protocol/wire';
import { createSecretStore, mergeLocalOverrides } from './secrets.ts';

const bundle: BootstrapResponse = {
  env: { ANTHROPIC_API_KEY: 'sk-ant-platform', NPM_TOKEN: 'npm-platform', GITHUB_TOKEN: 'ghp-platform' },
  git: [{ provider: 'github', apiUrl: 'https://api.github.com', token: 'ghp-platform', username: null }],
  fetchedAt: 1,
};
const quiet = { info: () => undefined, warn: () => undefined };

describe('runner secrets', () => {
  it('lets a local value win over the platform, for vault names and git tokens alike', () => {
    const merged = mergeLocalOverrides(bundle, { ANTHROPIC_API_KEY: 'sk-ant-local', GITHUB_TOKEN: 'ghp-local', PATH: '/usr/bin' });
    expect(merged.env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-local', NPM_TOKEN: 'npm-platform', GITHUB_TOKEN: 'ghp-local' });
    expect(merged.git[0].token).toBe('ghp-local');
  });

  it('offers the known local keys even when the platform has none yet (migration)', () => {
    expect(mergeLocalOverrides({ env: {}, git: [], fetchedAt: 1 }, { ANTHROPIC_API_KEY: 'sk-ant-local', HOME: '/root' }).env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-local' });
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
});
