import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNNER_UID } from '../image/runner-image.ts';
import { workingTreeId } from './working-tree.ts';

// Host git runs as the runner user when the tests run as root (git-command.ts): so does this test's git.
const asRunner = process.getuid?.() === 0 ? { uid: RUNNER_UID, gid: RUNNER_UID } : {};
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-working-tree-'));
fs.chmodSync(root, 0o755);
if (process.getuid?.() === 0) fs.chownSync(root, RUNNER_UID, RUNNER_UID);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: root, XDG_CONFIG_HOME: root }, ...asRunner }).trim();
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (process.getuid?.() === 0) fs.chownSync(file, RUNNER_UID, RUNNER_UID);
}

describe('workingTreeId', () => {
  it('is the same for the same content, changes with any file, and leaves the clone’s index alone', async () => {
    const dir = path.join(root, 'repo');
    const home = path.join(root, 'home');
    for (const folder of [dir, home]) {
      fs.mkdirSync(folder);
      if (process.getuid?.() === 0) fs.chownSync(folder, RUNNER_UID, RUNNER_UID);
    }
    git(root, 'init', '--quiet', dir);
    write(path.join(dir, 'README.md'), '# app\n');
    write(path.join(dir, '.gitignore'), 'build/\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'init');
    const clean = await workingTreeId(dir, home);
    expect(clean).toBe(git(dir, 'rev-parse', 'HEAD^{tree}'));

    // A new file (not staged) and an edit: a different tree; the same content again: the same tree.
    write(path.join(dir, 'hello.js'), "console.log('hi'\n");
    write(path.join(dir, 'README.md'), '# app\n\nMore.\n');
    const changed = await workingTreeId(dir, home);
    expect(changed).not.toBe(clean);
    write(path.join(dir, 'hello.js'), 'something else\n');
    expect(await workingTreeId(dir, home)).not.toBe(changed);
    write(path.join(dir, 'hello.js'), "console.log('hi'\n");
    expect(await workingTreeId(dir, home)).toBe(changed);
    // Ignored files are not the change.
    write(path.join(dir, 'build', 'out.txt'), 'generated\n');
    expect(await workingTreeId(dir, home)).toBe(changed);

    expect(git(dir, 'status', '--porcelain')).toBe(' M README.md\n?? hello.js'.trim());
    expect(fs.readdirSync(home)).toEqual([]);
  });
});
