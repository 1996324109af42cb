import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSupervisorRoot } from '../paths.ts';
import { startGitRemote, type GitRemote } from '../../test-kit/git-remote/server.ts';
import { ensureRunnerFolder } from '../runner/job-layout.ts';
import { pushFailure } from '../runner/revision-delivery.ts';
import { WorkFailure } from '../runner/failures.ts';
import { checkoutRepository, StartBranchMissingError } from './checkout.ts';
import { commitJob } from './commit.ts';
import { runGit } from './git-command.ts';
import { pushJobBranch } from './push.ts';

// A review retrigger's checkout with real git against the test kit's remote: the job works on
// the pull request's branch from its head, and its one commit lands on top (never forced).
const token = `ghs_${randomBytes(12).toString('hex')}`;
const credentials = { username: 'x-access-token', password: token };
let remote: GitRemote;
const root = fromSupervisorRoot('.test-data', 'git-revision-tests', randomBytes(4).toString('hex'));
const home = path.join(root, 'home');
const prBranch = 'spedy/spd-1-greet-abc123';
// Many git commands on a shared machine: a ceiling, not a measurement.
const gitTimeout = 60_000;

function repository(name: string) {
  return { provider: 'github' as const, fullName: `acme/${name}`, name, cloneUrl: `${remote.url}/acme/${name}.git`, baseBranch: 'main' };
}

/** A repository whose pull request branch holds one commit on top of main (the first job's). */
async function repositoryWithPullRequest(name: string): Promise<string> {
  await remote.createRepository(`acme/${name}`, { files: { 'README.md': '# App\n' } });
  const first = await clone(name, 'first', prBranch, 'main');
  fs.writeFileSync(path.join(first.dir, 'hello.js'), "console.log('Hello');\n");
  const sha = await commitJob(first, 'SPD-1: Greet', home);
  await pushJobBranch(first, { credentials, home });
  return sha!;
}

async function clone(name: string, folder: string, branch: string, startFrom: string) {
  const workspace = path.join(root, name, folder);
  await ensureRunnerFolder(workspace);
  return checkoutRepository({ repository: repository(name), dir: path.join(workspace, name), branch, startFrom, credentials, home });
}

beforeAll(async () => {
  remote = await startGitRemote({ token });
  await ensureRunnerFolder(home);
});

afterAll(async () => {
  await remote?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('revising a pull request’s branch', () => {
  it('checks out the branch at its head and lands one commit on top of it, a fast-forward', async () => {
    const firstSha = await repositoryWithPullRequest('revise');
    const checkout = await clone('revise', 'second', prBranch, prBranch);
    expect(checkout.baseSha).toBe(firstSha);
    expect(fs.readFileSync(path.join(checkout.dir, 'hello.js'), 'utf8')).toBe("console.log('Hello');\n");
    expect((await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: checkout.dir, home })).stdout.trim()).toBe(prBranch);

    fs.writeFileSync(path.join(checkout.dir, 'hello.js'), "console.log('Hello, ' + process.argv[2]);\n");
    const revision = await commitJob(checkout, 'SPD-1: Address the review', home);
    await pushJobBranch(checkout, { credentials, home });
    expect((await runGit(['rev-parse', `${revision}^`], { cwd: checkout.dir, home })).stdout.trim()).toBe(firstSha);
    const remoteHead = await runGit(['ls-remote', checkout.repository.cloneUrl, `refs/heads/${prBranch}`], { cwd: checkout.dir, home, credentials });
    expect(remoteHead.stdout).toContain(revision!);
    expect(await remote.readFile('acme/revise', prBranch, 'hello.js')).toContain('process.argv[2]');

    // Continue after a Stop reuses the checkout, still based on the branch's head then.
    expect(await checkoutRepository({ repository: repository('revise'), dir: checkout.dir, branch: prBranch, startFrom: prBranch, credentials, home })).toEqual(checkout);
  }, gitTimeout);

  it('refuses to overwrite a branch that moved on meanwhile, and says so', async () => {
    await repositoryWithPullRequest('moved');
    const job = await clone('moved', 'job', prBranch, prBranch);
    const someone = await clone('moved', 'someone', prBranch, prBranch);
    fs.writeFileSync(path.join(someone.dir, 'theirs.txt'), 'theirs\n');
    await commitJob(someone, 'Someone else’s commit', home);
    await pushJobBranch(someone, { credentials, home });

    fs.writeFileSync(path.join(job.dir, 'ours.txt'), 'ours\n');
    await commitJob(job, 'SPD-1: Address the review', home);
    const error = await pushJobBranch(job, { credentials, home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const pullRequest = { repository: 'acme/moved', number: 3, url: 'https://example.com/pull/3', branch: prBranch, state: 'open' as const };
    const failure = pushFailure(job, { kind: 'revise', pullRequest }, error);
    expect(failure).toBeInstanceOf(WorkFailure);
    expect(failure.message).toContain(`The branch ${prBranch} of pull request #3 moved on while the job ran`);
    expect(await remote.readFile('acme/moved', prBranch, 'theirs.txt')).toBe('theirs\n');
    expect(await remote.readFile('acme/moved', prBranch, 'ours.txt')).toBeUndefined();
  }, gitTimeout);

  it('says when the pull request’s branch is gone', async () => {
    await remote.createRepository('acme/gone', { files: { 'README.md': '# App\n' } });
    await expect(clone('gone', 'job', prBranch, prBranch)).rejects.toThrow(StartBranchMissingError);
  }, gitTimeout);
});
