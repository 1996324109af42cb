// setup.sh, the runner installer, driven as a script would: answers as flags and on stdin,
// checked against the running platform and a real Docker engine; the files it writes are
// accepted by `docker-compose config` (Debian's docker-compose 1.29).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeVaultEntry } from '../lib/secrets/entries.ts';
import { getKeyring } from '../lib/secrets/keyring.ts';
import { fromRoot } from '../stack/paths.ts';
import { acquireTestDockerEngine, type TestDockerEngine } from './support/docker-engine.ts';
import { newRunnerOrg, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';

const run = promisify(execFile);
const setupScript = fromRoot('supervisor', 'bundle', 'setup.sh');
const work = fromRoot('.test-data', `supervisor-setup-${process.pid}`);

/** Runs setup.sh with `args` and `stdin`; resolves with its exit code and output. */
function setup(args: string[], { stdin = '', env = {} }: { stdin?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [setupScript, ...args], { env: { PATH: process.env.PATH ?? '', HOME: work, NODE_ENV: 'test' as const, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    child.stdin.end(stdin);
  });
}

async function composeConfig(dir: string): Promise<string> {
  try {
    const { stdout } = await run('docker-compose', ['config'], { cwd: dir });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('docker-compose is not installed: apt-get install -y docker-compose (.ci/run installs it)');
    throw error;
  }
}

describe('setup.sh', () => {
  let engine: TestDockerEngine;
  let keyOrg: RunnerOrg;
  let bareOrg: RunnerOrg;
  const apiUrl = () => `${testStack().appUrl}/api/v1`;

  beforeAll(async () => {
    fs.mkdirSync(work, { recursive: true });
    engine = await acquireTestDockerEngine();
    keyOrg = await newRunnerOrg('setup-key');
    bareOrg = await newRunnerOrg('setup-bare');
    await storeVaultEntry(keyOrg.db, getKeyring(), {
      orgId: keyOrg.account.orgID,
      userId: keyOrg.account.userID,
      secret: { preset: 'anthropic', value: `sk-ant-api03-${'k'.repeat(40)}` },
    });
  }, 120_000);
  afterAll(async () => {
    await keyOrg?.closeDb();
    await bareOrg?.closeDb();
    await engine?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const dockerEnv = () => ({ DOCKER_HOST: `unix://${engine.socketPath}` });

  it('in key mode, from flags, writes a .env and a compose file docker-compose accepts', async () => {
    const out = path.join(work, 'key');
    const result = await setup(['--api-url', apiUrl(), '--token', keyOrg.token, '--mode', 'key', '--pool-size', '2', '--out', out, '--yes'], { env: dockerEnv() });
    expect(result.stderr).toContain('✓ ANTHROPIC_API_KEY is in the vault');
    expect(result.code).toBe(0);
    const env = fs.readFileSync(path.join(out, '.env'), 'utf8');
    expect(env).toContain(`SPEDY_RUNNER_TOKEN=${keyOrg.token}`);
    expect(env).toContain('SPEDY_POOL_SIZE=2');
    expect(env).toContain(`SPEDY_JOBS_DIR=${path.join(out, 'jobs')}`);
    expect(fs.statSync(path.join(out, '.env')).mode & 0o077).toBe(0);
    const config = await composeConfig(out);
    expect(config).toContain('spedy-supervisor:');
    expect(config).toContain(`context: ${fromRoot('supervisor', 'bundle')}`);
    expect(config).toContain('network_mode: host');
    expect(config).toContain(`${engine.socketPath}:/var/run/docker.sock`);
    expect(config).toContain(`${path.join(out, 'jobs')}:${path.join(out, 'jobs')}`);
    expect(config).toContain('/tmp/spedy-sockets:/tmp/spedy-sockets');
    expect(config).toMatch(/stop_grace_period: 45s/);
    expect(config).toContain('DOCKER_HOST: unix:///var/run/docker.sock');
  });

  it('in local mode, from stdin, mounts the Claude login', async () => {
    const out = path.join(work, 'local');
    fs.mkdirSync(path.join(work, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(work, '.claude', '.credentials.json'), '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-test"}}');
    const result = await setup(['--out', out, '--yes'], { stdin: `${apiUrl()}\n${bareOrg.token}\nlocal\n\n\n`, env: dockerEnv() });
    expect(result.stderr).toContain('✓ Claude login at');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(out, '.env'), 'utf8')).toContain('SPEDY_AI_BACKEND=local');
    const config = await composeConfig(out);
    const credentials = path.join(work, '.claude', '.credentials.json');
    expect(fs.readFileSync(path.join(out, '.env'), 'utf8')).toContain(`SPEDY_CLAUDE_CREDENTIALS=${credentials}`);
    expect(config).toContain(`${credentials}:${credentials}`);
    expect(config).toContain('SPEDY_POOL_SIZE: \'3\'');
  });

  it('in local mode, from flags, takes the login from --credentials and needs no key in the vault', async () => {
    const out = path.join(work, 'local-flags');
    const credentials = path.join(work, 'logins', 'max.json');
    fs.mkdirSync(path.dirname(credentials), { recursive: true });
    fs.writeFileSync(credentials, JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-flag-login', refreshToken: 'sk-ant-ort01-flag-login', expiresAt: Date.now() + 3_600_000 } }));
    const result = await setup(['--api-url', apiUrl(), '--token', bareOrg.token, '--mode', 'local', '--credentials', credentials, '--out', out, '--yes'], { env: dockerEnv() });
    expect(result.stderr).toContain(`✓ Claude login at ${credentials}`);
    expect(result.stderr).not.toContain('ANTHROPIC_API_KEY is in the vault');
    expect(result.code).toBe(0);
    const env = fs.readFileSync(path.join(out, '.env'), 'utf8');
    expect(env).toContain('SPEDY_AI_BACKEND=local');
    expect(env).toContain(`SPEDY_CLAUDE_CREDENTIALS=${credentials}`);
    // The .env names the file; the login itself is in neither file.
    const config = await composeConfig(out);
    expect(config).toContain(`${credentials}:${credentials}`);
    for (const written of [env, config]) expect(written).not.toContain('sk-ant-oat01-flag-login');

    // No login there, or a file that is not one: nothing is written.
    const missing = await setup(['--api-url', apiUrl(), '--token', bareOrg.token, '--mode', 'local', '--credentials', path.join(work, 'logins', 'none.json'), '--out', path.join(work, 'no-login'), '--yes'], { env: dockerEnv() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No Claude login at');
    expect(missing.stderr).toContain('--credentials FILE');
    fs.writeFileSync(path.join(work, 'logins', 'other.json'), '{"something":"else"}');
    const other = await setup(['--api-url', apiUrl(), '--token', bareOrg.token, '--mode', 'local', '--credentials', path.join(work, 'logins', 'other.json'), '--out', path.join(work, 'not-login'), '--yes'], { env: dockerEnv() });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('is not a Claude login');
    expect(fs.existsSync(path.join(work, 'no-login', '.env'))).toBe(false);
    expect(fs.existsSync(path.join(work, 'not-login', '.env'))).toBe(false);
  });

  it('refuses a wrong token, key mode without the key, and plain http to another host', async () => {
    const wrong = await setup(['--api-url', apiUrl(), '--token', `rnt_${'0'.repeat(64)}`, '--mode', 'key', '--out', path.join(work, 'wrong'), '--yes'], { env: dockerEnv() });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('The platform refused the runner token');
    expect(fs.existsSync(path.join(work, 'wrong', '.env'))).toBe(false);

    const keyless = await setup(['--api-url', apiUrl(), '--token', bareOrg.token, '--mode', 'key', '--out', path.join(work, 'keyless'), '--yes'], { env: dockerEnv() });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('Key mode needs ANTHROPIC_API_KEY');
    expect(fs.existsSync(path.join(work, 'keyless', '.env'))).toBe(false);

    const plain = await setup(['--api-url', 'http://spedy.example.com/api/v1', '--token', keyOrg.token, '--mode', 'key', '--out', path.join(work, 'plain'), '--yes']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('pass --insecure');
  });
});
