// setup.sh, the runner installer, driven as a script would: answers as flags and on stdin,
// checked against the running platform and a real Docker engine; the files it writes are
// accepted by `docker-compose config` (Debian's docker-compose 1.29).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
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
/** The Debian root filesystem the runner image's build keeps: setup.sh's offline bases import it instead of running debootstrap again. */
const cacheDir = fromRoot('.data', 'docker-cache');

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
    const result = await setup(['--api-url', apiUrl(), '--token', keyOrg.token, '--mode', 'key', '--pool-size', '2', '--out', out, '--cache-dir', cacheDir, '--yes'], { env: dockerEnv() });
    expect(result.stderr).toContain('✓ ANTHROPIC_API_KEY is in the vault');
    expect(result.code, result.stderr).toBe(0);
    // No registry is reachable here: the bases are made on this host, and setup.sh says so.
    expect(result.stderr).toContain("✓ images' bases: spedy-node:bookworm for the supervisor, spedy-base:bookworm for the runner image — Docker cannot pull from a registry here");
    expect(fs.readFileSync(path.join(out, '.env'), 'utf8')).toContain('SPEDY_RUNNER_BASE_IMAGE=spedy-base:bookworm');
    // The supervisor's offline base runs Node 22 (runner.Dockerfile's first stage).
    const docker = new Docker({ socketPath: engine.socketPath });
    const probe = await docker.createContainer({ Image: 'spedy-node:bookworm', Cmd: ['node', '--version'], HostConfig: { NetworkMode: 'none' } });
    try {
      await probe.start();
      await probe.wait();
      expect((await probe.logs({ stdout: true })).toString()).toMatch(/v22\.\d+\.\d+/);
    } finally {
      await probe.remove({ force: true });
    }
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
    // The healthcheck asks the status listener, on the port .env may change.
    expect(config).toContain("SPEDY_STATUS_PORT: '9464'");
    expect(config).toContain('fetch("http://127.0.0.1:9464/healthz")');
    fs.appendFileSync(path.join(out, '.env'), 'SPEDY_STATUS_PORT=9470\n');
    const moved = await composeConfig(out);
    expect(moved).toContain("SPEDY_STATUS_PORT: '9470'");
    expect(moved).toContain('fetch("http://127.0.0.1:9470/healthz")');
    expect(config).toMatch(/BASE: spedy-node:bookworm/);
    // The image builds with the host's network; SPEDY_SUPERVISOR_BASE overrides the base setup.sh chose.
    expect(config).toMatch(/build:\n(\s+.*\n)*?\s+network: host/);
    const { stdout: based } = await run('docker-compose', ['config'], { cwd: out, env: { PATH: process.env.PATH ?? '', SPEDY_SUPERVISOR_BASE: 'spedy-node:offline', NODE_ENV: 'test' as const } });
    expect(based).toContain('BASE: spedy-node:offline');
  }, 900_000);

  it('in local mode, from stdin, mounts the Claude login', async () => {
    const out = path.join(work, 'local');
    fs.mkdirSync(path.join(work, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(work, '.claude', '.credentials.json'), '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-test"}}');
    const result = await setup(['--out', out, '--cache-dir', cacheDir, '--yes'], { stdin: `${apiUrl()}\n${bareOrg.token}\nlocal\n\n\n`, env: dockerEnv() });
    expect(result.stderr).toContain('✓ Claude login at');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(out, '.env'), 'utf8')).toContain('SPEDY_AI_BACKEND=local');
    const config = await composeConfig(out);
    const credentials = path.join(work, '.claude', '.credentials.json');
    expect(fs.readFileSync(path.join(out, '.env'), 'utf8')).toContain(`SPEDY_CLAUDE_CREDENTIALS=${credentials}`);
    expect(config).toContain(`${credentials}:${credentials}`);
    expect(config).toContain('SPEDY_POOL_SIZE: \'3\'');
  }, 900_000);

  it('the readiness check refuses a wrong token and tells whether key mode has its key', async () => {
    const wrong = await keyOrg.api.get('readiness', `rnt_${'0'.repeat(64)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toHaveProperty('anthropicApiKey');
    expect((await keyOrg.api.get('readiness', null)).status).toBe(401);
    expect(await keyOrg.api.get('readiness')).toMatchObject({ status: 200, body: { organizationId: keyOrg.account.orgID, anthropicApiKey: true } });
    expect(await bareOrg.api.get('readiness')).toMatchObject({ status: 200, body: { organizationId: bareOrg.account.orgID, anthropicApiKey: false } });
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
