import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadSupervisorConfig, supervisorSettingNames, withEnvFile } from './config.ts';
import { installFolderOf } from './paths.ts';

const token = `rnt_${'ab'.repeat(32)}`;
const base = { SPEDY_API_URL: 'http://localhost:3000/api/v1/', SPEDY_RUNNER_TOKEN: token };

describe('supervisor configuration', () => {
  it('applies the defaults and parses the lists', () => {
    const config = loadSupervisorConfig({ ...base, SPEDY_RUNNER_LABELS: 'backend, typescript,backend', SPEDY_JOBS_DIR: '/srv/jobs' });
    expect(config).toMatchObject({
      SPEDY_API_URL: 'http://localhost:3000/api/v1',
      SPEDY_POOL_SIZE: 3,
      SPEDY_RUNNER_CAPABILITIES: ['claude_code'],
      SPEDY_RUNNER_LABELS: ['backend', 'typescript'],
      SPEDY_JOBS_DIR: '/srv/jobs',
      SPEDY_TOOLS_PORT: 0,
      SPEDY_CONTAINER_MEMORY_MB: 4096,
      SPEDY_CONTAINER_CPUS: 1,
      SPEDY_CONTAINER_PIDS: 512,
    });
    expect(config.SPEDY_RUNNER_NAME.length).toBeGreaterThan(0);
  });

  it('fails fast naming each bad variable, never echoing a secret value', () => {
    const attempt = () => loadSupervisorConfig({ SPEDY_API_URL: 'localhost:3000', SPEDY_RUNNER_TOKEN: 'rnt_not-a-real-secret-value', SPEDY_POOL_SIZE: '0' });
    expect(attempt).toThrow(/SPEDY_API_URL/);
    expect(attempt).toThrow(/SPEDY_RUNNER_TOKEN is not a runner token/);
    expect(attempt).toThrow(/SPEDY_POOL_SIZE must be at least 1/);
    expect(attempt).not.toThrow(/not-a-real-secret-value/);
    expect(() => loadSupervisorConfig({})).toThrow(/SPEDY_RUNNER_TOKEN is missing/);
  });

  it('in local mode finds the Claude login where `claude` keeps it unless told another file', () => {
    expect(loadSupervisorConfig(base)).toMatchObject({ SPEDY_AI_BACKEND: 'key', SPEDY_CLAUDE_CREDENTIALS: undefined });
    expect(loadSupervisorConfig({ ...base, SPEDY_AI_BACKEND: 'local' }).SPEDY_CLAUDE_CREDENTIALS).toBe(path.join(os.homedir(), '.claude', '.credentials.json'));
    expect(loadSupervisorConfig({ ...base, SPEDY_AI_BACKEND: 'local', SPEDY_CLAUDE_CREDENTIALS: '/srv/login.json' }).SPEDY_CLAUDE_CREDENTIALS).toBe('/srv/login.json');
    expect(() => loadSupervisorConfig({ ...base, SPEDY_AI_BACKEND: 'oauth' })).toThrow(/SPEDY_AI_BACKEND is key .* or local/);
  });

  it('refuses a sockets folder too long for unix socket paths and a malformed internal host', () => {
    expect(() => loadSupervisorConfig({ ...base, SPEDY_SOCKETS_DIR: `/srv/${'x'.repeat(90)}` })).toThrow(/SPEDY_SOCKETS_DIR must be a short path/);
    expect(() => loadSupervisorConfig({ ...base, SPEDY_ALLOWED_INTERNAL_HOSTS: 'https://x.example' })).toThrow(/SPEDY_ALLOWED_INTERNAL_HOSTS: "https:\/\/x.example" is not a host/);
    expect(loadSupervisorConfig({ ...base, SPEDY_ALLOWED_INTERNAL_HOSTS: '127.0.0.1:8080' }).SPEDY_ALLOWED_INTERNAL_HOSTS).toBe('127.0.0.1:8080');
  });

  it('keeps local values for the overrides but never describes them', () => {
    const config = loadSupervisorConfig({ ...base, ANTHROPIC_API_KEY: 'sk-ant-local-value', SPEDY_SOMETHING: 'x', NPM_TOKEN: '' });
    expect(config.localEnv.ANTHROPIC_API_KEY).toBe('sk-ant-local-value');
    expect(config.localEnv).not.toHaveProperty('SPEDY_SOMETHING');
    expect(config.localEnv).not.toHaveProperty('NPM_TOKEN');
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('sk-ant-local-value');
    expect(described).not.toContain(token);
    expect(described).toContain('ANTHROPIC_API_KEY');
  });

  it('reads a .env file under the environment, and only insists on one that was named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-env-'));
    try {
      const file = path.join(dir, '.env');
      fs.writeFileSync(file, `SPEDY_API_URL=http://localhost:3000/api/v1\nSPEDY_RUNNER_TOKEN=${token}\nSPEDY_POOL_SIZE=5\n# a comment\nSPEDY_RUNNER_NAME="build box"\n`);
      const config = loadSupervisorConfig(withEnvFile(file, { SPEDY_POOL_SIZE: '2', SPEDY_RUNNER_NAME: '' }));
      expect(config).toMatchObject({ SPEDY_POOL_SIZE: 2, SPEDY_RUNNER_NAME: 'build box', SPEDY_RUNNER_TOKEN: token });
      expect(withEnvFile(path.join(dir, 'absent.env'), { A: '1' })).toEqual({ A: '1' });
      expect(() => withEnvFile(path.join(dir, 'absent.env'), {}, { required: true })).toThrow(/Could not read the settings file .*absent\.env/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the status listener off unless a port is set, on loopback unless a host is set', () => {
    const defaults = loadSupervisorConfig(base);
    expect(defaults.SPEDY_STATUS_PORT).toBeUndefined();
    expect(defaults.SPEDY_LOG_FORMAT).toBeUndefined();
    expect(defaults.SPEDY_STATUS_HOST).toBe('127.0.0.1');
    expect(loadSupervisorConfig({ ...base, SPEDY_STATUS_PORT: '9464', SPEDY_LOG_FORMAT: 'pretty' })).toMatchObject({ SPEDY_STATUS_PORT: 9464, SPEDY_LOG_FORMAT: 'pretty' });
    expect(loadSupervisorConfig({ ...base, SPEDY_STATUS_PORT: '0' }).SPEDY_STATUS_PORT).toBe(0);
    expect(() => loadSupervisorConfig({ ...base, SPEDY_STATUS_PORT: '70000' })).toThrow(/SPEDY_STATUS_PORT must be a port number/);
    expect(() => loadSupervisorConfig({ ...base, SPEDY_LOG_FORMAT: 'xml' })).toThrow(/SPEDY_LOG_FORMAT is json or pretty/);
  });

  it('documents every setting it reads in the bundle README and .env.example, and no setting it does not read', () => {
    const bundle = path.join(import.meta.dirname, 'bundle');
    // The README's settings table: rows starting with | `NAME` |.
    const readme = new Set([...fs.readFileSync(path.join(bundle, 'README.md'), 'utf8').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));
    // .env.example: NAME= lines, commented out or not.
    const example = new Set([...fs.readFileSync(path.join(bundle, '.env.example'), 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const read = new Set<string>(supervisorSettingNames);
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !readme.has(name)), 'settings missing from the README table').toEqual([]);
    expect([...read].filter((name) => !example.has(name)), 'settings missing from .env.example').toEqual([]);
    expect([...readme].filter((name) => !read.has(name)), 'README rows for settings the supervisor does not read').toEqual([]);
    expect([...example].filter((name) => name.startsWith('SPEDY_') && !read.has(name)), '.env.example lines for settings the supervisor does not read').toEqual([]);
  });

  it('knows the install folder of a package installed with npm', () => {
    expect(installFolderOf('/opt/spedy-runner/node_modules/@spedy/supervisor')).toBe('/opt/spedy-runner');
    expect(installFolderOf('/opt/a/node_modules/b/node_modules/@spedy/supervisor')).toBe('/opt/a');
    expect(installFolderOf('/work/spedy/supervisor')).toBeNull();
  });
});
