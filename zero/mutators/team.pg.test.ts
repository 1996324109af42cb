import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { createProject, newMember, serverVerdict, type Member } from '../../test/support/fixtures.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { queries } from '../queries.ts';
import { mutators } from '../mutators.ts';
import type { PipelineConfig } from '../../lib/teams/pipeline.ts';

let owner: Member;
let other: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let repositoryId: string;

const db = () => testStack().databaseUrl;

beforeAll(async () => {
  owner = await newMember('Bran Branch');
  other = await newMember('Otis Other');
  project = await createProject(owner, 'BASE');
  repositoryId = nanoid();
  await sql(
    db(),
    `INSERT INTO project_repository (id, organization_id, project_id, provider, full_name, name, clone_url, default_branch, base_branch, created_at)
     VALUES ($1, $2, $3, 'github', 'acme/base', 'base', 'https://github.com/acme/base.git', 'main', 'main', $4)`,
    [repositoryId, owner.orgID, project.id, Date.now()],
  );
  await owner.zero.preload(queries.teams.projectRepositories({ orgID: owner.orgID, projectID: project.id })).complete;
});

afterAll(async () => {
  await owner?.zero.close();
  await other?.zero.close();
});

const setupCommands = async () => (await sql<{ setup_commands: string[] }>(db(), 'SELECT setup_commands FROM project_repository WHERE id = $1', [repositoryId]))[0].setup_commands;
const baseBranch = async () => (await sql<{ base_branch: string }>(db(), 'SELECT base_branch FROM project_repository WHERE id = $1', [repositoryId]))[0].base_branch;

describe('skills and MCP servers in pipelines', () => {
  it('detaches a deleted skill from the stages that use it, so the pipeline stays savable', async () => {
    const teamID = nanoid();
    const skillID = nanoid();
    await Promise.all([
      owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete,
      owner.zero.preload(queries.teams.skills({ orgID: owner.orgID })).complete,
    ]);
    const fields = { workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: [], requiredLabels: [], description: '' };
    expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id: teamID, orgID: owner.orgID, preset: 'code_runner', name: 'Detachers', handle: 'detachers', ...fields })))).toBeNull();
    expect(await serverVerdict(owner.zero.mutate(mutators.skill.create({ id: skillID, orgID: owner.orgID, slug: 'style-guide', description: 'Use always.', body: '# Style', projectID: null })))).toBeNull();
    const [team] = await sql<{ pipeline: PipelineConfig }>(db(), 'SELECT pipeline FROM runner_team WHERE id = $1', [teamID]);
    team.pipeline.steps[1].stages[0].skillIds = [skillID];
    expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: teamID, pipeline: team.pipeline })))).toBeNull();

    expect(await serverVerdict(owner.zero.mutate(mutators.skill.delete({ id: skillID })))).toBeNull();
    const [after] = await sql<{ pipeline: PipelineConfig }>(db(), 'SELECT pipeline FROM runner_team WHERE id = $1', [teamID]);
    expect(after.pipeline.steps[1].stages[0].skillIds).toEqual([]);
    expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: teamID, pipeline: after.pipeline })))).toBeNull();
  });

  it('refuses a pipeline whose stages share an id', async () => {
    const [team] = await sql<{ id: string; pipeline: PipelineConfig }>(db(), "SELECT id, pipeline FROM runner_team WHERE organization_id = $1 AND name = 'Detachers'", [owner.orgID]);
    team.pipeline.steps[2].stages[0].id = team.pipeline.steps[1].stages[0].id;
    expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: team.id, pipeline: team.pipeline })))).toBe(
      'Two steps or stages of the pipeline share an id; reload the page and edit again.',
    );
  });
});

describe('Build & Validate mutators', () => {
  it('overrides the base branch', async () => {
    expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setBaseBranch({ id: repositoryId, baseBranch: 'release/2.0' })))).toBeNull();
    expect(await baseBranch()).toBe('release/2.0');
  });

  it.each([['release..1'], ['-x'], ['feature/'], ['a b'], ['x.lock']])('refuses the branch name %s', async (name) => {
    const result = owner.zero.mutate(mutators.buildSettings.setBaseBranch({ id: repositoryId, baseBranch: name }));
    const client = await result.client;
    expect(client.type).toBe('error');
    expect(await baseBranch()).toBe('release/2.0');
  });

  it('saves setup commands trimmed, and clears them', async () => {
    expect(await setupCommands()).toEqual([]);
    const commands = ['  apt-get install -y python3-venv ', 'pip install -r requirements.txt'];
    expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setSetupCommands({ id: repositoryId, setupCommands: commands })))).toBeNull();
    expect(await setupCommands()).toEqual(['apt-get install -y python3-venv', 'pip install -r requirements.txt']);
    expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setSetupCommands({ id: repositoryId, setupCommands: [] })))).toBeNull();
    expect(await setupCommands()).toEqual([]);
  });

  it.each([
    [['pip install -r requirements.txt && rm -rf /'], 'contains "&&"'],
    [['echo "unclosed'], 'Unclosed "'],
    [['   '], 'cannot be empty'],
    [Array.from({ length: 21 }, (_, i) => `echo ${i}`), 'at most 20 setup commands'],
  ])('refuses %j and changes nothing', async (commands, message) => {
    const saved = ['npm install --global typescript'];
    expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setSetupCommands({ id: repositoryId, setupCommands: saved })))).toBeNull();
    const result = owner.zero.mutate(mutators.buildSettings.setSetupCommands({ id: repositoryId, setupCommands: commands }));
    expect(await result.client).toMatchObject({ type: 'error', error: { message: expect.stringContaining(message) } });
    expect(await setupCommands()).toEqual(saved);
  });

  it("refuses to set another organization's repository's setup commands", async () => {
    const verdict = await serverVerdict(other.zero.mutate(mutators.buildSettings.setSetupCommands({ id: repositoryId, setupCommands: ['echo hijacked'] })));
    expect(verdict).toBe('Repository not found.');
    expect(await setupCommands()).toEqual(['npm install --global typescript']);
  });

  it("refuses another organization's team for the project, even to an administrator of both", async () => {
    const teamId = nanoid();
    await sql(
      db(),
      `INSERT INTO runner_team (id, organization_id, name, description, preset, working_status, completion_status, failure_status, handle, required_capabilities, required_labels, budget, pipeline, created_at, updated_at)
       VALUES ($1, $2, 'Foreign', '', 'board_agent', 'AI Processing', 'In Review', 'Todo', 'foreign', '[]', '[]', '{}', '{"steps":[]}', 0, 0)`,
      [teamId, other.orgID],
    );
    await sql(db(), "INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, 'admin')", [nanoid(), other.orgID, owner.userID]);
    // The server builds the context from the database on every request; the client is told too.
    owner.context.orgs[other.orgID] = 'admin';
    const verdict = await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'auto' })));
    expect(verdict).toBe('Runner team not found.');
    expect(await sql(db(), 'SELECT team_id FROM project_runner_config WHERE project_id = $1', [project.id])).toEqual([]);
  });
});
