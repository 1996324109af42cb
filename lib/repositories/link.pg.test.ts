import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderApi, type ProviderApi } from '../../test-kit/provider-api/server.ts';
import { signUp, type TestAccount } from '../../test/support/accounts.ts';
import { sql } from '../../test/support/db.ts';
import { memberOf, orgApi, warmUp } from '../../test/support/org-api.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { gitlabNotOffered } from './link-input.ts';

let provider: ProviderApi;
let owner: TestAccount;
let member: TestAccount;
let outsider: TestAccount;
let projectId: string;

const githubToken = 'ghp_linkrepos0000000000000000000000000';
const bitbucketPassword = 'bbLinkRepos0123456789';

async function createProject(account: TestAccount, key: string) {
  const id = nanoid();
  await sql(testStack().databaseUrl, 'INSERT INTO project (id, organization_id, key, name, last_ticket_number, created_at) VALUES ($1, $2, $3, $4, 0, $5)', [
    id,
    account.orgID,
    key,
    `Project ${key}`,
    Date.now(),
  ]);
  return id;
}

const repositories = (project: string) =>
  sql<{ provider: string; full_name: string; name: string; clone_url: string; default_branch: string; base_branch: string }>(
    testStack().databaseUrl,
    'SELECT provider, full_name, name, clone_url, default_branch, base_branch FROM project_repository WHERE project_id = $1 ORDER BY full_name',
    [project],
  );

const link = (account: TestAccount, body: unknown, project = projectId, org = owner.orgID) =>
  orgApi(account, 'POST', `${org}/projects/${project}/repositories`, body);

beforeAll(async () => {
  const { appUrl, databaseUrl } = testStack();
  provider = await startProviderApi();
  provider.addToken(githubToken, { kind: 'github-classic', login: 'octo', scopes: ['repo'], repositories: ['acme/api', 'acme/empty'] });
  provider.addToken(bitbucketPassword, { kind: 'bitbucket-api-token', email: 'bitty@example.com', username: 'bitty', scopes: ['write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
  provider.repositories.add('github', 'acme/api', { defaultBranch: 'develop', cloneUrl: 'https://github.com/acme/api.git' });
  provider.repositories.add('github', 'acme/empty', { defaultBranch: null });
  provider.repositories.add('bitbucket', 'team/web', { defaultBranch: 'trunk', cloneUrl: 'https://bitbucket.org/team/web.git' });
  await warmUp(['x/projects/y/repositories', 'x/integrations']);
  owner = await signUp(appUrl, databaseUrl, 'Rita Repo');
  member = await memberOf(owner, 'Max Member');
  outsider = await signUp(appUrl, databaseUrl, 'Oona Outsider');
  projectId = await createProject(owner, 'REPO');
  for (const body of [
    { provider: 'github', tokenKind: 'personal', token: githubToken, apiUrl: provider.githubUrl },
    { provider: 'bitbucket', email: 'bitty@example.com', token: bitbucketPassword, apiUrl: provider.bitbucketUrl },
  ]) {
    const connected = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, body);
    expect(connected.status).toBe(200);
  }
});

afterAll(() => provider?.close());

describe('POST /api/orgs/[orgId]/projects/[projectId]/repositories', () => {
  it('links a GitHub repository through the integration with the default branch as base branch', async () => {
    const answer = await link(owner, { provider: 'github', fullName: 'https://github.com/acme/api.git' });
    expect(answer.status).toBe(200);
    expect(answer.body.repository).toMatchObject({ provider: 'github', fullName: 'acme/api', name: 'api', defaultBranch: 'develop', baseBranch: 'develop' });
    expect(answer.text).not.toContain(githubToken);
    expect(provider.requests).toContainEqual({ method: 'GET', path: '/github/repos/acme/api' });
    expect(await repositories(projectId)).toContainEqual({
      provider: 'github',
      full_name: 'acme/api',
      name: 'api',
      clone_url: 'https://github.com/acme/api.git',
      default_branch: 'develop',
      base_branch: 'develop',
    });
  });

  it('links a Bitbucket repository with mainbranch as base branch and no account in the clone URL', async () => {
    const answer = await link(owner, { provider: 'bitbucket', fullName: 'team/web' });
    expect(answer.status).toBe(200);
    expect(answer.body.repository).toMatchObject({ provider: 'bitbucket', fullName: 'team/web', baseBranch: 'trunk', cloneUrl: 'https://bitbucket.org/team/web.git' });
    expect(provider.requests).toContainEqual({ method: 'GET', path: '/bitbucket/2.0/repositories/team/web' });
  });

  it('no longer links GitLab projects, and says why', async () => {
    const before = await repositories(projectId);
    const answer = await link(owner, { provider: 'gitlab', url: `${provider.url}/group/sub/tool` });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(gitlabNotOffered);
    expect(await repositories(projectId)).toEqual(before);
    expect(provider.requests.some((r) => r.path.startsWith('/api/v4/'))).toBe(false);
  });

  it('refuses linking the same repository twice (409)', async () => {
    const answer = await link(owner, { provider: 'github', fullName: 'acme/api' });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('acme/api is already linked to this project.');
  });

  it('explains a missing integration with a 400 and writes nothing', async () => {
    const lonely = await signUp(testStack().appUrl, testStack().databaseUrl, 'Lone Owner');
    const project = await createProject(lonely, 'LONE');
    const answer = await link(lonely, { provider: 'github', fullName: 'acme/api' }, project, lonely.orgID);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('Connect GitHub under Settings → Integrations: Spedy clones, pushes and opens pull requests with that integration.');
    expect(await repositories(project)).toEqual([]);
  });

  it.each([
    ['a repository the token cannot reach', () => ({ provider: 'github', fullName: 'acme/secret' }), /GitHub has no repository acme\/secret that the GitHub integration's token can reach/],
    ['an unknown Bitbucket repository', () => ({ provider: 'bitbucket', fullName: 'team/nope' }), /Bitbucket has no repository team\/nope/],
    ['an empty repository', () => ({ provider: 'github', fullName: 'acme/empty' }), /no default branch for acme\/empty/],
    ['a name that is not owner/name', () => ({ provider: 'github', fullName: 'just-a-name' }), /owner\/name/],
    ['an unknown provider', () => ({ provider: 'svn', fullName: 'a/b' }), /"github" or "bitbucket"/],
  ])('refuses %s with a 400 and writes nothing', async (_what, body, message) => {
    const before = await repositories(projectId);
    const answer = await link(owner, body());
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
    expect(await repositories(projectId)).toEqual(before);
  });

  it('refuses a Member (403), another organization (404) and a project of another organization (404)', async () => {
    const before = await repositories(projectId);
    const requestsBefore = provider.requests.length;
    const byMember = await link(member, { provider: 'github', fullName: 'acme/api' });
    expect(byMember.status).toBe(403);
    expect(byMember.body.error).toBe('Only administrators can manage runner teams, skills, MCP servers and Build & Validate settings.');
    const byOutsider = await link(outsider, { provider: 'github', fullName: 'acme/api' });
    expect(byOutsider.status).toBe(404);
    expect(byOutsider.body.error).toBe('Organization not found.');
    const intoForeignProject = await link(outsider, { provider: 'github', fullName: 'acme/api' }, projectId, outsider.orgID);
    expect(intoForeignProject.status).toBe(404);
    expect(intoForeignProject.body.error).toBe('Project not found.');
    expect(await repositories(projectId)).toEqual(before);
    // Nobody was asked on their behalf.
    expect(provider.requests.length).toBe(requestsBefore);
  });
});
