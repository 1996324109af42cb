import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSupervisorRoot } from '../paths.ts';
import { startGitRemote, type GitRemote } from '../../test-kit/git-remote/server.ts';
import { ensureRunnerFolder } from '../runner/job-layout.ts';
import { jobBranchName } from './branch-name.ts';
import { checkoutRepository, CheckpointMissingError } from './checkout.ts';
import { commitAll, commitJob, commitWorkingTree } from './commit.ts';
import { runGit } from './git-command.ts';
import { deleteCheckpointRef, pushCheckpoint, pushJobBranch } from './push.ts';
import { addStageWorktree, MergeConflictError, mergeStageWorktrees } from './worktrees.ts';

// Real git against the test kit's smart-HTTP remote, which requires the token.
const token = `ghs_${randomBytes(12).toString('hex')}`;
const credentials = { username: 'x-access-token', password: token };
let remote: GitRemote;
// Not under os.tmpdir(): mkdtemp folders are 0700, and git runs as the runner user when the tests run as root.
const root = fromSupervisorRoot('.test-data', 'git-tests', randomBytes(4).toString('hex'));
const home = path.join(root, 'home');

function repository(name: string) {
  return { provider: 'github' as const, fullName: `acme/${name}`, name, cloneUrl: `${remote.url}/acme/${name}.git`, baseBranch: 'main' };
}

async function freshCheckout(name: string, files: Record<string, string> = { 'README.md': '# App\n' }) {
  await remote.createRepository(`acme/${name}`, { files });
  const workspace = path.join(root, name, 'workspace');
  await ensureRunnerFolder(workspace);
  return checkoutRepository({ repository: repository(name), dir: path.join(workspace, name), branch: `spedy/${name}-1`, credentials, home });
}

beforeAll(async () => {
  remote = await startGitRemote({ token });
  await ensureRunnerFolder(home);
});

afterAll(async () => {
  await remote?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a job’s checkout', () => {
  it('names the branch from the ticket, unique per job', () => {
    expect(jobBranchName({ id: 'job_01HXYZABC9', title: 'x' }, { displayId: 'SPD-42', title: 'Add dark mode ✨ to the Café' })).toBe('spedy/spd-42-add-dark-mode-to-the-cafe-yzabc9');
    expect(jobBranchName({ id: 'j1', title: 'Manual: tidy the README' }, null)).toBe('spedy/manual-tidy-the-readme-j1');
    const long = jobBranchName({ id: 'abcdef123456', title: '' }, { displayId: 'SPD-7', title: 'word '.repeat(40) });
    expect(long.length).toBeLessThan(70);
    expect(long).toMatch(/^spedy\/spd-7-word(-word)+-123456$/);
  });

  it('clones with the token but leaves no credentials in .git/config, and creates the job branch', async () => {
    const checkout = await freshCheckout('clone');
    const config = fs.readFileSync(path.join(checkout.dir, '.git', 'config'), 'utf8');
    expect(config).not.toContain(token);
    expect(config).toContain(`url = ${remote.url}/acme/clone.git`);
    expect(config).not.toMatch(/helper|extraheader/i);
    const head = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: checkout.dir, home });
    expect(head.stdout.trim()).toBe('spedy/clone-1');
    expect(checkout.baseSha).toMatch(/^[0-9a-f]{40}$/);
    if (process.getuid?.() === 0) expect(fs.statSync(path.join(checkout.dir, 'README.md')).uid).toBe(1000);
    // Without the token the remote refuses: the credentials really were needed.
    expect(remote.requests().some((request) => request.user === 'x-access-token')).toBe(true);
  });

  it('reuses its checkout after Continue instead of cloning again', async () => {
    const first = await freshCheckout('again');
    fs.writeFileSync(path.join(first.dir, 'work.txt'), 'in progress\n');
    const before = remote.requests().length;
    const second = await checkoutRepository({ repository: repository('again'), dir: first.dir, branch: first.branch, credentials, home });
    expect(second).toEqual(first);
    expect(remote.requests().length).toBe(before);
    expect(fs.readFileSync(path.join(first.dir, 'work.txt'), 'utf8')).toBe('in progress\n');
  });

  it('says why a clone failed, without the token', async () => {
    const workspace = path.join(root, 'missing');
    await ensureRunnerFolder(workspace);
    const attempt = checkoutRepository({ repository: repository('missing'), dir: path.join(workspace, 'missing'), branch: 'spedy/x', credentials, home });
    await expect(attempt).rejects.toThrow(/git clone failed/);
    await expect(attempt).rejects.not.toThrow(new RegExp(token));
  });

  it('commits the job as one commit on the base, pushes it, and detects when nothing changed', async () => {
    const checkout = await freshCheckout('deliver');
    expect(await commitJob(checkout, 'SPD-1: nothing', home)).toBeNull();

    fs.writeFileSync(path.join(checkout.dir, 'a.txt'), 'a\n');
    await commitAll(checkout.dir, 'intermediate', home);
    fs.writeFileSync(path.join(checkout.dir, 'b.txt'), 'b\n');
    fs.rmSync(path.join(checkout.dir, 'README.md'));
    const sha = await commitJob(checkout, 'SPD-1: Add a and b', home);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const log = await runGit(['log', '--format=%an <%ae>|%s', `${checkout.baseSha}..HEAD`], { cwd: checkout.dir, home });
    expect(log.stdout.trim()).toBe('Spedy Runner <runner@spedy.dev>|SPD-1: Add a and b');

    await pushJobBranch(checkout, { credentials, home });
    expect(await remote.branches('acme/deliver')).toContain('spedy/deliver-1');
    expect(await remote.readFile('acme/deliver', 'spedy/deliver-1', 'b.txt')).toBe('b\n');
    expect(await remote.readFile('acme/deliver', 'spedy/deliver-1', 'README.md')).toBeUndefined();
    expect(fs.readFileSync(path.join(checkout.dir, '.git', 'config'), 'utf8')).not.toContain(token);
  });
});

describe('parallel stages’ worktrees', () => {
  async function twoStages(name: string) {
    const checkout = await freshCheckout(name, { 'shared.txt': 'one\ntwo\nthree\n' });
    const trees = ['api', 'web'].map((stage) => ({
      repoDir: checkout.dir,
      dir: path.join(root, name, 'worktrees', stage, name),
      branch: `${checkout.branch}--${stage}`,
      stage,
    }));
    await ensureRunnerFolder(path.join(root, name, 'worktrees'));
    for (const tree of trees) await addStageWorktree(tree, home);
    return { checkout, trees };
  }

  it('merges the stages’ work into the job branch', async () => {
    const { checkout, trees } = await twoStages('merge');
    fs.writeFileSync(path.join(trees[0]!.dir, 'api.js'), 'api\n');
    fs.writeFileSync(path.join(trees[1]!.dir, 'web.js'), 'web\n');
    await mergeStageWorktrees('acme/merge', trees, home);
    expect(fs.readFileSync(path.join(checkout.dir, 'api.js'), 'utf8')).toBe('api\n');
    expect(fs.readFileSync(path.join(checkout.dir, 'web.js'), 'utf8')).toBe('web\n');
    expect(fs.existsSync(trees[0]!.dir)).toBe(false);
    const branches = await runGit(['branch', '--format=%(refname:short)'], { cwd: checkout.dir, home });
    expect(branches.stdout.trim().split('\n')).toEqual(['main', 'spedy/merge-1']);
  });

  it('names the conflicting files and leaves the job branch clean', async () => {
    const { checkout, trees } = await twoStages('conflict');
    fs.writeFileSync(path.join(trees[0]!.dir, 'shared.txt'), 'one\nTWO from api\nthree\n');
    fs.writeFileSync(path.join(trees[1]!.dir, 'shared.txt'), 'one\nTWO from web\nthree\n');
    fs.writeFileSync(path.join(trees[1]!.dir, 'web.js'), 'web\n');
    const merging = mergeStageWorktrees('acme/conflict', trees, home);
    await expect(merging).rejects.toBeInstanceOf(MergeConflictError);
    await expect(merging).rejects.toMatchObject({ stage: 'web', files: ['shared.txt'] });
    const status = await runGit(['status', '--porcelain'], { cwd: checkout.dir, home });
    expect(status.stdout).toBe('');
  });
});

describe('checkpoints', () => {
  it('commits the work to a hidden ref without touching the branch; a fresh clone resumes from it, and the job is still one commit on its base', async () => {
    const first = await freshCheckout('resume', { 'README.md': '# App\n', 'old.txt': 'old\n' });
    fs.writeFileSync(path.join(first.dir, 'plan.md'), 'the plan\n');
    fs.rmSync(path.join(first.dir, 'old.txt'));
    const commit = await commitWorkingTree(first.dir, 'Spedy checkpoint: after Plan', home);
    // The clone is as the agent left it: the branch has not moved and the work is still uncommitted.
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: first.dir, home })).stdout.trim()).toBe(first.baseSha);
    expect((await runGit(['status', '--porcelain'], { cwd: first.dir, home })).stdout).toBe(' D old.txt\n?? plan.md\n');
    const ref = 'refs/spedy/checkpoints/job_resume';
    await pushCheckpoint(first, { commit, ref }, { credentials, home });

    // The base branch moves on meanwhile; another runner resumes in an empty folder.
    await ensureRunnerFolder(path.join(root, 'resume', 'elsewhere'));
    const other = await checkoutRepository({ repository: repository('resume'), dir: path.join(root, 'resume', 'elsewhere', 'resume'), branch: 'spedy/resume-1', credentials, home });
    fs.writeFileSync(path.join(other.dir, 'later.txt'), 'later\n');
    await commitAll(other.dir, 'Someone else’s change', home);
    await runGit(['push', '--quiet', other.repository.cloneUrl, 'HEAD:refs/heads/main'], { cwd: other.dir, home, credentials });
    const workspace = path.join(root, 'resume', 'resumed');
    await ensureRunnerFolder(workspace);
    const resumed = await checkoutRepository({ repository: repository('resume'), dir: path.join(workspace, 'resume'), branch: 'spedy/resume-1', credentials, home, checkpoint: { ref, commit } });
    expect(resumed.baseSha).toBe(first.baseSha);
    expect((await runGit(['status', '--porcelain'], { cwd: resumed.dir, home })).stdout).toBe(' D old.txt\n?? plan.md\n');
    expect(fs.readFileSync(path.join(resumed.dir, 'plan.md'), 'utf8')).toBe('the plan\n');

    const sha = await commitJob(resumed, 'SPD-1: the job', home);
    expect((await runGit(['rev-list', '--count', `${first.baseSha}..${sha}`], { cwd: resumed.dir, home })).stdout.trim()).toBe('1');
    expect((await runGit(['show', '--name-status', '--format=', sha!], { cwd: resumed.dir, home })).stdout).toBe('D\told.txt\nA\tplan.md\n');

    expect((await runGit(['ls-remote', resumed.repository.cloneUrl, ref], { cwd: resumed.dir, home, credentials })).stdout).toContain(commit);
    expect(await deleteCheckpointRef(resumed, ref, { credentials, home })).toBe(true);
    expect((await runGit(['ls-remote', resumed.repository.cloneUrl, ref], { cwd: resumed.dir, home, credentials })).stdout).toBe('');
    await expect(
      checkoutRepository({ repository: repository('resume'), dir: path.join(workspace, 'again'), branch: 'spedy/resume-1', credentials, home, checkpoint: { ref, commit } }),
    ).rejects.toThrow(CheckpointMissingError);
    // Many git commands on a shared machine: a ceiling, not a measurement.
  }, 60_000);
});
