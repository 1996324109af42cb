import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateLocalSecrets } from './secrets-file.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateLocalSecrets', () => {
  it('generates 32-byte secrets once, in a 0600 file, and reuses them', async () => {
    const dir = path.join(tempDir(), 'data');
    const first = await loadOrCreateLocalSecrets(dir, {});
    expect(Buffer.from(first.betterAuthSecret, 'base64')).toHaveLength(32);
    expect(Buffer.from(first.vaultMasterKey, 'base64')).toHaveLength(32);
    expect(first.betterAuthSecret).not.toBe(first.vaultMasterKey);
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateLocalSecrets(dir, {})).toEqual(first);
  });

  it('prefers the environment and does not store its values', async () => {
    const dir = tempDir();
    const env = {
      BETTER_AUTH_SECRET: 'from-env-auth',
      SPEDY_VAULT_MASTER_KEY: 'from-env-vault',
      SPEDY_EMBEDDED_DATABASE_PASSWORD: 'from-env-db',
      SPEDY_DEMO_PASSWORD: 'from-env-demo',
    };
    const secrets = await loadOrCreateLocalSecrets(dir, env);
    expect(secrets).toEqual({ betterAuthSecret: 'from-env-auth', vaultMasterKey: 'from-env-vault', databasePassword: 'from-env-db', demoPassword: 'from-env-demo' });
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);

    const mixed = await loadOrCreateLocalSecrets(dir, { BETTER_AUTH_SECRET: 'from-env-auth' });
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8'));
    expect(stored).toEqual({ vaultMasterKey: mixed.vaultMasterKey, databasePassword: mixed.databasePassword, demoPassword: mixed.demoPassword });
  });

  it('gives every install its own database and demo passwords, safe to put in a URL', async () => {
    const a = await loadOrCreateLocalSecrets(tempDir(), {});
    const b = await loadOrCreateLocalSecrets(tempDir(), {});
    expect(a.databasePassword).not.toBe(b.databasePassword);
    expect(a.demoPassword).not.toBe(b.demoPassword);
    for (const value of [a.databasePassword, a.demoPassword]) expect(value).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('refuses to replace a corrupt file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{not json');
    await expect(loadOrCreateLocalSecrets(dir, {})).rejects.toThrow(/unreadable/);
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toBe('{not json');
  });
});
