import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSupervisorRoot } from '../paths.ts';
import { git, repositoryPath } from '../../test-kit/git-remote/repositories.ts';
import { startGitRemote, type GitRemote } from '../../test-kit/git-remote/server.ts';
import { ensureRunnerFolder } from '../runner/job-layout.ts';
import { checkoutRepository } from './checkout.ts';
import { commitAll, commitJob, commitWorkingTree } from './commit.ts';
import { runGit } from './git-command.ts';
import { EpicBranchConflictError, landOnBranch, landOnBranches, resetBranchToBase } from './epic-branch.ts';

// Real git against the test kit's smart-HTTP remote: clones of one epic branch landing on it.
const token = `ghs_${randomBytes(12).toString('hex')}`;
const credentials = { username: 'x-access-token', password: token };
const branch = 'epic/spd-7';
let remote: GitRemote;
// Not under os.tmpdir(): mkdtemp folders are 0700, and git runs as the runner user when the tests run as root.
const root = fromSupervisorRoot('.test-data', 'git-tests', `epic-${randomBytes(4).toString('hex')}`);
const home = path.join(root, 'home');
const access = { credentials, home };

function repository(name: string) {
  return { provider: 'github' as const, fullName: `acme/${name}`, name, cloneUrl: `${remote.url}/acme/${name}.git`, baseBranch: 'main' };
}

/** The remote's own answer, not a clone's. */
async function onRemote(name: string, ...args: string[]): Promise<string> {
  return (await git(args, repositoryPath(remote.root, `acme/${name}`))).trim();
}

/** A sub-run's clone of the epic branch, as a job's workspace has it. */
async function subRun(name: string, folder: string) {
  const workspace = path.join(root, name, folder);
  await ensureRunnerFolder(workspace);
  return checkoutRepository({ repository: repository(name), dir: path.join(workspace, name), branch, startFrom: branch, credentials, home });
}

/** The sub-run's work as one commit, as delivery makes it. */
async function work(checkout: Awaited<ReturnType<typeof subRun>>, files: Record<string, string>, message: string): Promise<void> {
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(checkout.dir, file), text);
  await commitJob(checkout, message, home);
}

async function epicRepository(name: string, files: Record<string, string> = { 'README.md': '# App\n' }): Promise<void> {
  await remote.createRepository(`acme/${name}`, { files });
  await ensureRunnerFolder(path.join(root, name));
  await resetBranchToBase(repository(name), branch, path.join(root, name, 'reset'), access);
}

beforeAll(async () => {
  remote = await startGitRemote({ token });
  await ensureRunnerFolder(home);
});

afterAll(async () => {
  await remote?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

// Many git commands each, on a shared machine: a ceiling, not a measurement.
describe('an epic run’s branch', { timeout: 60_000 }, () => {
  it('is created at the base branch, and a reset forces it back there from an earlier run’s work', async () => {
    await epicRepository('reset');
    const main = await onRemote('reset', 'rev-parse', 'refs/heads/main');
    expect(await onRemote('reset', 'rev-parse', `refs/heads/${branch}`)).toBe(main);

    const earlier = await subRun('reset', 'earlier');
    expect(earlier.baseSha).toBe(main);
    await work(earlier, { 'a.txt': 'a\n' }, 'SPD-8: a');
    await landOnBranch(earlier, access);
    expect(await onRemote('reset', 'rev-list', '--count', `main..${branch}`)).toBe('1');

    const commit = await resetBranchToBase(repository('reset'), branch, path.join(root, 'reset', 'reset'), access);
    expect(commit).toBe(main);
    expect(await onRemote('reset', 'rev-parse', `refs/heads/${branch}`)).toBe(main);
  });

  it('lands a sub-run’s work as its one commit, without force', async () => {
    await epicRepository('one');
    const checkout = await subRun('one', 'a');
    fs.writeFileSync(path.join(checkout.dir, 'a.txt'), 'draft\n');
    await commitAll(checkout.dir, 'intermediate', home);
    await work(checkout, { 'a.txt': 'a\n' }, 'SPD-8: a');

    const landing = await landOnBranch(checkout, access);

    expect(landing).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), attempts: 1 });
    expect(await onRemote('one', 'rev-parse', `refs/heads/${branch}`)).toBe(landing.commit);
    expect(await onRemote('one', 'log', '--format=%s', `main..${branch}`)).toBe('SPD-8: a');
    expect(await remote.readFile('acme/one', branch, 'a.txt')).toBe('a\n');
  });

  it('rebases onto what another sub-run landed between its fetch and its push, and pushes again', async () => {
    await epicRepository('behind');
    const first = await subRun('behind', 'first');
    const second = await subRun('behind', 'second');
    await work(first, { 'a.txt': 'a\n' }, 'SPD-8: a');
    await work(second, { 'b.txt': 'b\n' }, 'SPD-9: b');
    // The first's commit reaches the remote aside; the remote's hook lands it on the epic branch
    // once, while the second's push is being received (after the second fetched the branch).
    await runGit(['push', '--quiet', first.repository.cloneUrl, 'HEAD:refs/heads/first-work'], { cwd: first.dir, home, credentials });
    const bare = repositoryPath(remote.root, 'acme/behind');
    fs.writeFileSync(path.join(bare, 'land-first'), await onRemote('behind', 'rev-parse', 'refs/heads/first-work'));
    fs.writeFileSync(
      path.join(bare, 'hooks', 'pre-receive'),
      [
        '#!/bin/sh',
        'cat > /dev/null',
        'if [ -f land-first ]; then',
        '  commit=$(cat land-first); rm land-first',
        `  env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES git update-ref refs/heads/${branch} "$commit"`,
        'fi',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );

    expect(await landOnBranch(second, access)).toMatchObject({ attempts: 2 });

    expect((await onRemote('behind', 'log', '--format=%s', `main..${branch}`)).split('\n')).toEqual(['SPD-9: b', 'SPD-8: a']);
    expect(await remote.readFile('acme/behind', branch, 'a.txt')).toBe('a\n');
    expect(await remote.readFile('acme/behind', branch, 'b.txt')).toBe('b\n');
  });

  it('lands two sub-runs racing for the branch, one commit each', async () => {
    await epicRepository('race');
    const clones = await Promise.all(['one', 'two'].map((folder) => subRun('race', folder)));
    await work(clones[0]!, { 'one.txt': '1\n' }, 'SPD-8: one');
    await work(clones[1]!, { 'two.txt': '2\n' }, 'SPD-9: two');

    const landings = await Promise.all(clones.map((checkout) => landOnBranch(checkout, access)));

    expect(landings.map((landing) => landing.commit)).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), expect.stringMatching(/^[0-9a-f]{40}$/)]);
    expect((await onRemote('race', 'log', '--format=%s', `main..${branch}`)).split('\n').sort()).toEqual(['SPD-8: one', 'SPD-9: two']);
    expect(await remote.readFile('acme/race', branch, 'one.txt')).toBe('1\n');
    expect(await remote.readFile('acme/race', branch, 'two.txt')).toBe('2\n');
  });

  it('fails the second of two sub-runs that changed the same lines, naming the file, and leaves the branch as the first landed it', async () => {
    await epicRepository('clash', { 'shared.txt': 'one\ntwo\nthree\n', 'README.md': '# App\n' });
    const first = await subRun('clash', 'first');
    const second = await subRun('clash', 'second');
    await work(first, { 'shared.txt': 'one\nTWO from SPD-8\nthree\n' }, 'SPD-8: shout');
    await work(second, { 'shared.txt': 'one\nTWO from SPD-9\nthree\n', 'README.md': '# App, edited\n' }, 'SPD-9: shout too');
    const landed = await landOnBranch(first, access);

    const landing = landOnBranch(second, access);

    await expect(landing).rejects.toBeInstanceOf(EpicBranchConflictError);
    await expect(landing).rejects.toMatchObject({ repository: 'acme/clash', branch, files: ['shared.txt'] });
    expect(await onRemote('clash', 'rev-parse', `refs/heads/${branch}`)).toBe(landed.commit);
    // The clone is left clean, on its own commit (no rebase in progress).
    expect((await runGit(['status', '--porcelain'], { cwd: second.dir, home })).stdout).toBe('');
    expect((await runGit(['log', '-1', '--format=%s'], { cwd: second.dir, home })).stdout.trim()).toBe('SPD-9: shout too');
  });

  it('resumes a sub-run from its checkpoint in a fresh clone of the branch, and lands its work as one commit on what landed since', async () => {
    await epicRepository('resume');
    const first = await subRun('resume', 'first');
    fs.writeFileSync(path.join(first.dir, 'plan.md'), 'the plan\n');
    const commit = await commitWorkingTree(first.dir, 'Spedy checkpoint: after Plan', home);
    const ref = 'refs/spedy/checkpoints/job_resume';
    await runGit(['push', '--quiet', first.repository.cloneUrl, `${commit}:${ref}`], { cwd: first.dir, home, credentials });
    // Another sub-run lands meanwhile.
    const other = await subRun('resume', 'other');
    await work(other, { 'other.txt': 'other\n' }, 'SPD-9: other');
    await landOnBranch(other, access);

    const workspace = path.join(root, 'resume', 'resumed');
    await ensureRunnerFolder(workspace);
    const resumed = await checkoutRepository({ repository: repository('resume'), dir: path.join(workspace, 'resume'), branch, startFrom: branch, credentials, home, checkpoint: { ref, commit } });
    expect(resumed.baseSha).toBe(first.baseSha);
    expect(fs.readFileSync(path.join(resumed.dir, 'plan.md'), 'utf8')).toBe('the plan\n');
    await work(resumed, { 'a.txt': 'a\n' }, 'SPD-8: a');

    expect(await landOnBranch(resumed, access)).toMatchObject({ attempts: 1 });
    expect((await onRemote('resume', 'log', '--format=%s', `main..${branch}`)).split('\n')).toEqual(['SPD-8: a', 'SPD-9: other']);
    expect(await remote.readFile('acme/resume', branch, 'plan.md')).toBe('the plan\n');
  });
  it('lands a sub-run over several repositories in none when a later one conflicts, and in all when none does', async () => {
    await epicRepository('api');
    await epicRepository('web', { 'shared.txt': 'one\ntwo\n', 'README.md': '# App\n' });
    const api = await subRun('api', 'both');
    const web = await subRun('web', 'both');
    await work(api, { 'api.txt': 'api\n' }, 'SPD-8: both');
    await work(web, { 'shared.txt': 'one\nTWO from SPD-8\n' }, 'SPD-8: both');
    const other = await subRun('web', 'other');
    await work(other, { 'shared.txt': 'one\nTWO from SPD-9\n' }, 'SPD-9: other');
    const landed = await landOnBranch(other, access);
    const apiBefore = await onRemote('api', 'rev-parse', `refs/heads/${branch}`);

    const landing = landOnBranches([api, web], async () => access);

    await expect(landing).rejects.toMatchObject({ name: 'EpicBranchConflictError', repository: 'acme/web', files: ['shared.txt'] });
    expect(await onRemote('api', 'rev-parse', `refs/heads/${branch}`)).toBe(apiBefore);
    expect(await onRemote('web', 'rev-parse', `refs/heads/${branch}`)).toBe(landed.commit);

    // Without the conflict, both land.
    await work(web, { 'shared.txt': 'one\nTWO from SPD-9\n', 'web.txt': 'web\n' }, 'SPD-8: both');
    const landings = await landOnBranches([api, web], async () => access);
    expect(landings.map((l) => [l.checkout.repository.fullName, l.commit])).toEqual([
      ['acme/api', await onRemote('api', 'rev-parse', `refs/heads/${branch}`)],
      ['acme/web', await onRemote('web', 'rev-parse', `refs/heads/${branch}`)],
    ]);
    expect(await remote.readFile('acme/web', branch, 'web.txt')).toBe('web\n');
  });
});
