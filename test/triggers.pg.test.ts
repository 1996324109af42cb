import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankBetween } from '../lib/tickets/rank.ts';
import { connectDb } from '../lib/db/client.ts';
import { reportJobStatus } from '../lib/jobs/transition.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, joinOrg, newMember, openBoard, serverVerdict, type Member } from './support/fixtures.ts';
import { testStack } from './support/stack-env.ts';

let owner: Member;
let teammate: Member;
let project: Awaited<ReturnType<typeof createProject>>;
const teamId = nanoid();

const statusId = (name: string) => project.statuses.find((s) => s.name === name)!.id;
const jobsOf = (ticketId: string) =>
  sql<{ id: string; type: string; status: string; snapshot: { pipeline: { steps: { stages: { name: string }[] }[] }; trigger: { kind: string; commentBody?: string } } }>(
    testStack().databaseUrl,
    'SELECT j.id, j.type, j.status, s.snapshot FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.ticket_id = $1 ORDER BY j.created_at',
    [ticketId],
  );
const move = (member: Member, id: string, status: string) =>
  serverVerdict(member.zero.mutate(mutators.ticket.move({ id, statusID: statusId(status), rank: rankBetween(null, null) })));

beforeAll(async () => {
  owner = await newMember('Trigger Owner');
  teammate = await joinOrg(await newMember('Trigger Teammate'), owner);
  project = await createProject(owner, 'TRG');
  await openBoard(teammate, project);
  for (const m of [owner, teammate]) {
    await Promise.all([
      m.zero.preload(queries.handles({ orgID: owner.orgID })).complete,
      m.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete,
      m.zero.preload(queries.teams.projectRunnerConfig({ orgID: owner.orgID, projectID: project.id })).complete,
    ]);
  }
  const created = await serverVerdict(
    owner.zero.mutate(
      mutators.team.create({
        id: teamId,
        orgID: owner.orgID,
        preset: 'code_runner',
        name: 'Coders',
        description: '',
        workingStatus: 'AI Processing',
        completionStatus: 'In Review',
        failureStatus: 'Todo',
        handle: 'coders',
        requiredCapabilities: ['claude_code'],
        requiredLabels: [],
      }),
    ),
  );
  expect(created).toBeNull();
  expect(
    await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'auto' }))),
  ).toBeNull();
});

afterAll(async () => {
  await owner?.zero.close();
  await teammate?.zero.close();
});

describe('status triggers', () => {
  it("creates a Streaming job when a ticket enters the team's working status, and none for other statuses", async () => {
    const id = await createTicket(owner, project, 'Build the thing');
    expect(await move(owner, id, 'Todo')).toBeNull();
    expect(await jobsOf(id)).toEqual([]);
    expect(await move(owner, id, 'AI Processing')).toBeNull();
    const jobs = await jobsOf(id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: 'streaming', status: 'ready' });
    expect(jobs[0].snapshot.pipeline.steps.map((s) => s.stages[0].name)).toEqual(['Planner', 'Implement', 'Review']);
  });

  it('keeps the snapshot when the team is edited afterwards', async () => {
    const id = await createTicket(owner, project, 'Snapshot me');
    await move(owner, id, 'AI Processing');
    const team = (await sql<{ pipeline: { steps: { id: string; stages: Record<string, unknown>[] }[] } }>(testStack().databaseUrl, 'SELECT pipeline FROM runner_team WHERE id = $1', [teamId]))[0];
    team.pipeline.steps[0].stages[0].name = 'Renamed planner';
    expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: teamId, pipeline: team.pipeline as never })))).toBeNull();
    const [job] = await jobsOf(id);
    expect(job.snapshot.pipeline.steps[0].stages[0].name).toBe('Planner');
  });

  it('never holds two active jobs for one ticket, even when two people move it at once', async () => {
    const id = await createTicket(owner, project, 'Contended');
    await Promise.all([move(owner, id, 'AI Processing'), move(teammate, id, 'AI Processing')]);
    await move(owner, id, 'Todo');
    await move(teammate, id, 'AI Processing');
    const active = (await jobsOf(id)).filter((j) => !['completed', 'failed', 'error'].includes(j.status));
    expect(active).toHaveLength(1);
  });

  it('refuses a second active job in the database itself', async () => {
    const id = await createTicket(owner, project, 'Index guard');
    await move(owner, id, 'AI Processing');
    const [job] = await jobsOf(id);
    await expect(
      sql(
        testStack().databaseUrl,
        `INSERT INTO job (id, organization_id, ticket_id, type, title, status, required_capabilities, required_labels, last_event_seq, created_at, updated_at)
         SELECT 'dup-' || id, organization_id, ticket_id, type, title, 'ready', required_capabilities, required_labels, 0, created_at, updated_at FROM job WHERE id = $1`,
        [job.id],
      ),
    ).rejects.toThrow(/job_one_active_per_ticket_idx/);
  });

  it('creates no job when auto-create is switched off for the project', async () => {
    expect(
      await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'off' }))),
    ).toBeNull();
    const id = await createTicket(owner, project, 'Manual only');
    await move(owner, id, 'AI Processing');
    expect(await jobsOf(id)).toEqual([]);
    await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'auto' })));
  });
});

describe('failed jobs', () => {
  it('move the ticket to the failure status with the AI Failed badge; dragging it back clears the badge and starts a new job', async () => {
    const id = await createTicket(owner, project, 'Doomed');
    await move(owner, id, 'AI Processing');
    const [job] = await jobsOf(id);
    const runnerId = `r-${nanoid()}`;
    await sql(
      testStack().databaseUrl,
      `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
       VALUES ($1, $2, $1, '1.0.0', '["claude_code"]', '[]', 1, 'x', 'online', $3, $3)`,
      [runnerId, owner.orgID, Date.now()],
    );
    await sql(testStack().databaseUrl, `UPDATE job SET status = 'running', runner_id = $2 WHERE id = $1`, [job.id, runnerId]);
    const { db, close } = connectDb(testStack().databaseUrl);
    try {
      await reportJobStatus(db, { id: runnerId, organizationId: owner.orgID }, job.id, { status: 'failed', reason: 'Validation failed: npm test' });
    } finally {
      await close();
    }
    const ticketState = () =>
      sql<{ status: string; ai_failed: boolean }>(
        testStack().databaseUrl,
        'SELECT s.name AS status, t.ai_failed FROM ticket t JOIN project_status s ON s.id = t.status_id WHERE t.id = $1',
        [id],
      );
    expect(await ticketState()).toEqual([{ status: 'Todo', ai_failed: true }]);

    expect(await move(owner, id, 'AI Processing')).toBeNull();
    expect(await ticketState()).toEqual([{ status: 'AI Processing', ai_failed: false }]);
    expect((await jobsOf(id)).map((j) => j.status)).toEqual(['failed', 'ready']);
  });
});

describe('mention triggers', () => {
  it('creates a Board Interaction job carrying the comment when a team is @mentioned', async () => {
    const id = await createTicket(owner, project, 'Question for the bots');
    const verdict = await serverVerdict(owner.zero.mutate(mutators.comment.add({ id: nanoid(), ticketID: id, body: '@coders what breaks if we drop Node 18?' })));
    expect(verdict).toBeNull();
    const [job] = await jobsOf(id);
    expect(job.type).toBe('board_interaction');
    expect(job.snapshot.trigger).toMatchObject({ kind: 'mention', commentBody: '@coders what breaks if we drop Node 18?' });
  });

  it('keeps members and teams in one handle namespace', async () => {
    const [memberHandle] = await sql<{ handle: string }>(testStack().databaseUrl, 'SELECT handle FROM handle WHERE user_id = $1 AND organization_id = $2', [
      teammate.userID,
      owner.orgID,
    ]);
    const verdict = await serverVerdict(
      owner.zero.mutate(
        mutators.team.create({
          id: nanoid(),
          orgID: owner.orgID,
          preset: 'board_agent',
          name: 'Impostor',
          description: '',
          workingStatus: 'AI Processing',
          completionStatus: 'Done',
          failureStatus: 'Todo',
          handle: memberHandle.handle,
          requiredCapabilities: [],
          requiredLabels: [],
        }),
      ),
    );
    expect(verdict).toMatch(/already taken by a member/);
  });
});
