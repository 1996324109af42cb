import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import type { JobGitAccess, JobSnapshot } from '@spedy/protocol/wire';
import { claimedTestJob, FakeJobContext, stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { startGitRemote, type GitRemote } from '../../test-kit/git-remote/server.ts';
import type { RunJobDeps } from './job-run.ts';

// Git hosts as runJob meets them: a Bitbucket repository reached with an API token (git as
// x-bitbucket-api-token-auth, REST as the account's email), a job refused before any agent
// runs when the platform says a repository cannot be delivered to, and a project with two
// repositories at different base branches.
let kit: RunnerTestKit;
/** Bitbucket's git: only the API token opens it. */
let bitbucketGit: GitRemote;
const bitbucketToken = `ATATT3x${randomBytes(16).toString('hex')}`;
const bitbucketEmail = 'bitty@example.com';
/** What runJob needs besides the job's git access (from a throwaway job of the kit). */
let baseDeps: RunJobDeps;
let jobsRoot: string;

beforeAll(async () => {
  kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image: inject('runnerImage'), suite: 'git-hosts' });
  bitbucketGit = await startGitRemote({ token: bitbucketToken });
  kit.providerApi.addToken(bitbucketToken, {
    kind: 'bitbucket-api-token',
    email: bitbucketEmail,
    username: 'bitty',
    scopes: ['read:user:bitbucket', 'write:repository:bitbucket', 'write:pullrequest:bitbucket'],
  });
  const { ctx, deps } = await kit.newJob({ name: 'base', steps: [] });
  baseDeps = deps;
  jobsRoot = path.dirname(ctx.jobDir);
});

afterAll(async () => {
  await bitbucketGit?.stop();
  await kit?.stop();
});

const implement = (scenario: string) => stageSnapshot({ id: 'implement', name: `Implement [scenario:${scenario}]` });

function jobOn(name: string, repositories: JobSnapshot['repositories'], scenario: string, gitAccess: JobGitAccess) {
  const id = `job_${name}_${randomBytes(2).toString('hex')}`;
  const ctx = new FakeJobContext(claimedTestJob({ id, steps: [[implement(scenario)]], repositories }), path.join(jobsRoot, id), { ANTHROPIC_API_KEY: kit.apiKey });
  const asked: number[] = [];
  const deps: RunJobDeps = {
    ...baseDeps,
    gitAccess: async () => {
      asked.push(Date.now());
      return gitAccess;
    },
  };
  return { ctx, deps, asked };
}

const githubAccess = (): GitProviderAccess => ({ provider: 'github', apiUrl: kit.providerApi.githubUrl, token: kit.token, username: null });

describe('git hosts', () => {
  it('delivers to Bitbucket with an API token: git as x-bitbucket-api-token-auth, the pull request as the account email', async () => {
    const { cloneUrl } = await bitbucketGit.createRepository('team/web', { files: { 'README.md': '# web\n' } });
    const bitbucket: GitProviderAccess = { provider: 'bitbucket', apiUrl: kit.providerApi.bitbucketUrl, token: bitbucketToken, username: null, email: bitbucketEmail };
    const { ctx, deps, asked } = jobOn('bitbucket', [{ provider: 'bitbucket', fullName: 'team/web', name: 'web', cloneUrl, baseBranch: 'main', setupCommands: [] }], 'edit-and-test', {
      git: [bitbucket],
      refused: [],
    });

    await runToEnd(ctx, deps);

    expect(ctx.statusList().at(-1), ctx.statuses.at(-1)?.reason).toBe('completed');
    const branch = String(ctx.eventsOf('pull_request')[0]?.branch);
    expect(await bitbucketGit.branches('team/web')).toContain(branch);
    expect(await bitbucketGit.readFile('team/web', branch, 'hello.js')).toContain('Hello from Spedy');
    // Clone and push both authenticated with Bitbucket's static user for API tokens (git asks without credentials first: refused, user undefined).
    const admitted = bitbucketGit.requests().filter((r) => r.service !== null && r.user !== undefined);
    expect(new Set(admitted.map((r) => r.user))).toEqual(new Set(['x-bitbucket-api-token-auth']));
    expect(new Set(admitted.map((r) => r.service))).toEqual(new Set(['git-upload-pack', 'git-receive-pack']));
    const [pr] = kit.providerApi.pullRequests.list({ provider: 'bitbucket', repository: 'team/web' });
    expect(pr).toMatchObject({ head: branch, base: 'main', author: 'bitty', title: 'SPD-42: Add a greeting script' });
    // Asked before the clone and again before the push: a token handed out then may be a fresh one.
    expect(asked.length).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('refuses a job whose repository the runner cannot deliver to before any agent runs, saying why', async () => {
    const requestsBefore = kit.model.requests().length;
    const reason = 'group/tool is on GitLab, where the runner can neither push nor open a merge request. Unlink it under Build & Validate.';
    const { ctx, deps } = jobOn(
      'gitlab',
      [{ provider: 'gitlab', fullName: 'group/tool', name: 'tool', cloneUrl: `${kit.remote.url}/group/tool.git`, baseBranch: 'main', setupCommands: [] }],
      'edit-and-test',
      { git: [], refused: [{ repository: 'group/tool', reason }] },
    );

    await runToEnd(ctx, deps);

    expect(ctx.statusList()).toEqual(['preparing', 'failed']);
    expect(ctx.statuses.at(-1)?.reason).toBe(`Nothing ran: the runner could not deliver a pull request to group/tool. ${reason}`);
    expect(kit.model.requests().length).toBe(requestsBefore);
    expect(kit.remote.requests().filter((r) => r.path.startsWith('/group/tool'))).toEqual([]);
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  }, 60_000);

  it('clones two repositories at their own base branches into /workspace/<repo> and opens one pull request per repository', async () => {
    const suffix = randomBytes(2).toString('hex');
    const api = await kit.remote.createRepository(`acme/api-${suffix}`, { defaultBranch: 'main', files: { 'README.md': '# api\n' } });
    const web = await kit.remote.createRepository(`acme/web-${suffix}`, { defaultBranch: 'develop', files: { 'README.md': '# web\n', 'web.txt': 'only on develop\n' } });
    kit.providerApi.addToken(kit.token, { kind: 'github-classic', login: 'spedy-bot', scopes: ['repo'], repositories: [`acme/api-${suffix}`, `acme/web-${suffix}`] });
    const { ctx, deps } = jobOn(
      'two-repositories',
      [
        { provider: 'github', fullName: `acme/api-${suffix}`, name: `api-${suffix}`, cloneUrl: api.cloneUrl, baseBranch: 'main', setupCommands: [] },
        { provider: 'github', fullName: `acme/web-${suffix}`, name: `web-${suffix}`, cloneUrl: web.cloneUrl, baseBranch: 'develop', setupCommands: [] },
      ],
      'write-each-repository',
      { git: [githubAccess()], refused: [] },
    );

    await runToEnd(ctx, deps);

    expect(ctx.statusList().at(-1), ctx.statuses.at(-1)?.reason).toBe('completed');
    const notices = ctx.eventsOf('notice').map((n) => String(n.message));
    expect(notices.join('\n')).toContain(`acme/api-${suffix} is checked out from main`);
    expect(notices.join('\n')).toContain(`acme/web-${suffix} is checked out from develop`);
    const opened = ctx.eventsOf('pull_request');
    expect(opened.map((pr) => pr.repository).sort()).toEqual([`acme/api-${suffix}`, `acme/web-${suffix}`]);
    for (const [fullName, base] of [
      [`acme/api-${suffix}`, 'main'],
      [`acme/web-${suffix}`, 'develop'],
    ] as const) {
      const [pr] = kit.providerApi.pullRequests.list({ provider: 'github', repository: fullName });
      expect(pr).toMatchObject({ base });
      expect(await kit.remote.readFile(fullName, pr!.head, 'from-spedy.txt')).toBe(`Written in /workspace/${fullName.split('/')[1]}\n`);
    }
    // The develop clone kept develop's own file: the branch started from the repository's base.
    expect(await kit.remote.readFile(`acme/web-${suffix}`, String(opened.find((pr) => pr.repository === `acme/web-${suffix}`)?.branch), 'web.txt')).toBe('only on develop\n');
  }, 240_000);
});
