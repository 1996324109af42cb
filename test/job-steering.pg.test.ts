// Steering a job is a team permission (issue 18): Members steer by default and every action
// is recorded with who did it; an organization that withdraws `jobs:steer` from Members has
// the server refuse their job mutators (nothing written), while administrators keep it.
// Presence rows are any member's, never an outsider's. Real app, PostgreSQL and zero-cache.
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { joinOrg, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { orgApi, warmUp } from './support/org-api.ts';
import { testStack } from './support/stack-env.ts';
import { waitForData } from './support/zero-client.ts';

let owner: Member;
let member: Member;
let outsider: Member;
const withdrawnMessage = 'Only administrators can steer jobs here (answer, approve, request changes, stop, continue, cancel and set budgets).';

const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const actionsOf = (jobId: string) => db<{ actor_id: string; action: string; text: string | null }>('SELECT actor_id, action, text FROM job_action WHERE job_id = $1 ORDER BY created_at', [jobId]);

/** A job of the owner's organization in `status`, held by an online runner when `held`; replicated to `viewer`'s client. */
async function jobIn(status: string, viewer: Member, held = true): Promise<string> {
  const created = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: `Steer ${status}`, instructions: 'x', type: 'batch' });
  const id = (created.body.job as { id: string }).id;
  if (held) {
    const runnerId = `steered-by-${nanoid()}`;
    await db(
      `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
       VALUES ($1, $2, $1, '1.0.0', '[]', '[]', 1, 'x', 'online', $3, $3)`,
      [runnerId, owner.orgID, Date.now()],
    );
    await db('UPDATE job SET status = $3, runner_id = $2 WHERE id = $1', [id, runnerId, status]);
  }
  // The client checks the job it sees, so wait until it has replicated there.
  const view = viewer.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: id }));
  await waitForData(view, (job) => job?.status === status);
  view.destroy();
  return id;
}

async function setMembersSteer(granted: boolean) {
  expect(await serverVerdict(owner.zero.mutate(mutators.organizationSettings.setMemberPermission({ orgID: owner.orgID, permission: 'jobs:steer', granted })))).toBeNull();
}

beforeAll(async () => {
  await warmUp(['x/jobs']);
  owner = await newMember('Olga Owner');
  member = await joinOrg(await newMember('Dana Member'), owner, 'member');
  outsider = await newMember('Otto Outsider');
});

afterAll(async () => {
  await Promise.all([owner, member, outsider].map((m) => m?.zero.close()));
});

describe('steering a job', () => {
  it('lets a Member answer, ask for plan changes and stop, recording each action with who did it', async () => {
    const asked = await jobIn('waiting_for_input', member);
    expect(await serverVerdict(member.zero.mutate(mutators.job.respond({ id: asked, action: 'input', text: 'Use PostgreSQL 16' })))).toBeNull();
    expect(await actionsOf(asked)).toEqual([{ actor_id: member.userID, action: 'answered', text: 'Use PostgreSQL 16' }]);

    const planned = await jobIn('waiting_for_input', member);
    const blank = await member.zero.mutate(mutators.job.respond({ id: planned, action: 'revise', text: '  ' })).client;
    expect(blank.type === 'error' && blank.error.message).toBe('Say what should change in the plan first.');
    expect(await serverVerdict(member.zero.mutate(mutators.job.respond({ id: planned, action: 'revise', text: 'Add a test for hello.js' })))).toBeNull();
    // The planner's runner gets the requested change as a `revise` control; the job is Ready again for it.
    expect(await db('SELECT action, text FROM secure.job_control WHERE job_id = $1', [planned])).toEqual([{ action: 'revise', text: 'Add a test for hello.js' }]);
    expect((await db<{ status: string }>('SELECT status FROM job WHERE id = $1', [planned]))[0]!.status).toBe('ready');
    expect(await actionsOf(planned)).toEqual([{ actor_id: member.userID, action: 'requested_changes', text: 'Add a test for hello.js' }]);

    const running = await jobIn('running', member);
    expect(await serverVerdict(member.zero.mutate(mutators.job.stop({ id: running })))).toBeNull();
    expect((await db<{ status: string }>('SELECT status FROM job WHERE id = $1', [running]))[0]!.status).toBe('stopped');
    expect(await actionsOf(running)).toEqual([{ actor_id: member.userID, action: 'stopped', text: null }]);
  });

  it('refuses every job mutator of a Member once the organization withdrew steering, writing nothing; administrators still steer', async () => {
    expect(await serverVerdict(member.zero.mutate(mutators.organizationSettings.setMemberPermission({ orgID: owner.orgID, permission: 'jobs:steer', granted: false })))).toBe(
      'Only administrators can change the organization’s settings, such as its time zone.',
    );
    const waiting = await jobIn('waiting_for_input', member);
    const running = await jobIn('running', member);
    const ready = await jobIn('ready', member, false);
    await setMembersSteer(false);
    // The member's client has not synced the settings: only the server's check stands in the way.
    const refusals = await Promise.all([
      serverVerdict(member.zero.mutate(mutators.job.respond({ id: waiting, action: 'input', text: 'Sneaky answer' }))),
      serverVerdict(member.zero.mutate(mutators.job.respond({ id: waiting, action: 'approve' }))),
      serverVerdict(member.zero.mutate(mutators.job.respond({ id: waiting, action: 'revise', text: 'Sneaky change' }))),
      serverVerdict(member.zero.mutate(mutators.job.stop({ id: running }))),
      serverVerdict(member.zero.mutate(mutators.job.cancel({ id: running }))),
      serverVerdict(member.zero.mutate(mutators.job.setBudget({ id: ready, budget: { maxCostUsd: 3 } }))),
    ]);
    expect(refusals).toEqual(Array(6).fill(withdrawnMessage));
    const statuses = await db<{ id: string; status: string }>('SELECT id, status FROM job WHERE id = ANY($1)', [[waiting, running, ready]]);
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({ [waiting]: 'waiting_for_input', [running]: 'running', [ready]: 'ready' });
    expect(await db('SELECT * FROM job_action WHERE job_id = ANY($1)', [[waiting, running, ready]])).toEqual([]);
    expect(await db('SELECT * FROM secure.job_control WHERE job_id = ANY($1)', [[waiting, running]])).toEqual([]);

    const ownerView = owner.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: running }));
    await waitForData(ownerView, (job) => job?.status === 'running');
    ownerView.destroy();
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id: running })))).toBeNull();
    expect(await actionsOf(running)).toEqual([{ actor_id: owner.userID, action: 'stopped', text: null }]);

    await setMembersSteer(true);
    expect(await serverVerdict(member.zero.mutate(mutators.job.respond({ id: waiting, action: 'approve', text: 'Go ahead' })))).toBeNull();
    expect(await actionsOf(waiting)).toEqual([{ actor_id: member.userID, action: 'approved', text: 'Go ahead' }]);
  });

  it('keeps a presence row per person and job for members only; leaving deletes it', async () => {
    const watched = await jobIn('running', member);
    expect(await serverVerdict(member.zero.mutate(mutators.jobViewer.heartbeat({ jobID: watched })))).toBeNull();
    const [row] = await db<{ user_id: string; seen_at: number }>('SELECT user_id, seen_at FROM job_viewer WHERE job_id = $1', [watched]);
    expect(row!.user_id).toBe(member.userID);
    expect(await serverVerdict(outsider.zero.mutate(mutators.jobViewer.heartbeat({ jobID: watched })))).toBe('Job not found.');
    expect(await db('SELECT user_id FROM job_viewer WHERE job_id = $1', [watched])).toEqual([{ user_id: member.userID }]);
    const viewers = owner.zero.materialize(queries.runners.jobViewers({ orgID: owner.orgID, jobID: watched }));
    await waitForData(viewers, (rows) => rows.some((viewer) => viewer.userId === member.userID && viewer.user?.name === 'Dana Member'));
    viewers.destroy();
    expect(await serverVerdict(member.zero.mutate(mutators.jobViewer.leave({ jobID: watched })))).toBeNull();
    expect(await db('SELECT user_id FROM job_viewer WHERE job_id = $1', [watched])).toEqual([]);
  });
});
