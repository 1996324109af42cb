import { defineMutator, defineMutators } from '@rocicorp/zero';
import { nanoid } from 'nanoid';
import pg from 'pg';
import { runnerControlChannel } from '../lib/jobs/notices.ts';
import { poll } from './support/poll.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSnapshot } from '@spedy/protocol/wire';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, joinOrg, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { orgApi, warmUp } from './support/org-api.ts';
import { testStack } from './support/stack-env.ts';
import { connectZero, waitForData } from './support/zero-client.ts';

let owner: Member;
let member: Member;
let outsider: Member;

// A member's client that skips every check of its own and claims to be an owner: only the server stands in the way.
const hostile = defineMutators({
  runnerToken: { revoke: defineMutator(async () => {}) },
  vaultEntry: { delete: defineMutator(async () => {}) },
  runnerSettings: { update: defineMutator(async () => {}) },
});

async function asHostileMember<T>(act: (zero: ReturnType<typeof connectZero>) => Promise<T>): Promise<T> {
  const zero = connectZero({
    cacheURL: testStack().zeroUrl,
    userID: member.userID,
    token: member.token,
    context: { userID: member.userID, orgs: { ...member.context.orgs, [owner.orgID]: 'owner' } },
    mutators: hostile,
  });
  try {
    return await act(zero);
  } finally {
    await zero.close();
  }
}

/** Collects the runner-control notices PostgreSQL delivers while `act` runs (they go out on commit), until one is `awaited`. */
async function noticesDuring(act: () => Promise<unknown>, awaited: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: testStack().databaseUrl });
  await client.connect();
  const seen: Record<string, unknown>[] = [];
  client.on('notification', (n) => n.payload && seen.push(JSON.parse(n.payload) as Record<string, unknown>));
  try {
    await client.query(`LISTEN ${runnerControlChannel}`);
    await act();
    await poll('the notice', async () => seen.some((notice) => Object.entries(awaited).every(([key, value]) => notice[key] === value)), 10_000, 20);
    return seen;
  } finally {
    await client.end();
  }
}

const db = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);

beforeAll(async () => {
  await warmUp(['x/runner-tokens', 'x/jobs']);
  owner = await newMember('Rita Runner');
  outsider = await newMember('Oscar Outsider');
  member = await joinOrg(await newMember('Max Member'), owner, 'member');
});

afterAll(async () => {
  await Promise.all([owner, member, outsider].map((m) => m?.zero.close()));
});

describe('runner tokens', () => {
  it('shows a new token once and stores only its keyed hash', async () => {
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/runner-tokens`, { name: 'My Dev Runner' });
    expect(answer.status).toBe(200);
    const { token, prefix, id, apiUrl } = answer.body as { token: string; prefix: string; id: string; apiUrl: string };
    expect(token).toMatch(/^rnt_[0-9a-f]{64}$/);
    expect(prefix).toBe(token.slice(0, 8));
    expect(apiUrl).toBe(`${testStack().appUrl}/api/v1`);
    const [row] = await db<{ row: string; hash: string }>(
      'SELECT row_to_json(t)::text AS row, h.hash FROM runner_token t JOIN secure.runner_token_hash h ON h.token_id = t.id WHERE t.id = $1',
      [id],
    );
    expect(row.row).not.toContain(token.slice(4));
    expect(row.hash).not.toContain(token.slice(4));
  });

  it('refuses a Member, a past expiry and a runner of another organization, writing nothing', async () => {
    const count = async () => Number((await db<{ n: string }>('SELECT count(*) AS n FROM runner_token WHERE organization_id = $1', [owner.orgID]))[0].n);
    const before = await count();
    const byMember = await orgApi(member, 'POST', `${owner.orgID}/runner-tokens`, { name: 'Sneaky' });
    expect(byMember.status).toBe(403);
    expect(byMember.body.error).toBe('Only administrators can manage runners, runner tokens and jobs.');
    const past = await orgApi(owner, 'POST', `${owner.orgID}/runner-tokens`, { name: 'Old', expiresAt: Date.now() - 1000 });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatch(/in the future/);
    const wrongType = await orgApi(owner, 'POST', `${owner.orgID}/runner-tokens`, { name: ['x'] });
    expect(wrongType.status).toBe(400);

    const foreignRunner = `theirs-${nanoid()}`;
    await db(
      `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
       VALUES ($1, $2, 'theirs', '1.0.0', '[]', '[]', 1, 'x', 'online', $3, $3)`,
      [foreignRunner, outsider.orgID, Date.now()],
    );
    const scoped = await orgApi(owner, 'POST', `${owner.orgID}/runner-tokens`, { name: 'Scoped', runnerId: foreignRunner });
    expect(scoped.status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('revokes through the mutator for administrators only', async () => {
    const created = await orgApi(owner, 'POST', `${owner.orgID}/runner-tokens`, { name: 'Short-lived' });
    const id = (created.body as { id: string }).id;
    await owner.zero.run(queries.runners.tokens({ orgID: owner.orgID }), { type: 'complete' });

    expect(await asHostileMember((zero) => serverVerdict(zero.mutate(hostile.runnerToken.revoke({ id }))))).toBe(
      'Only administrators can manage runners, runner tokens and jobs.',
    );
    expect((await db<{ revoked_at: number | null }>('SELECT revoked_at FROM runner_token WHERE id = $1', [id]))[0].revoked_at).toBeNull();

    const notices = await noticesDuring(async () => expect(await serverVerdict(owner.zero.mutate(mutators.runnerToken.revoke({ id })))).toBeNull(), { kind: 'token-revoked', tokenId: id });
    // The runner platform closes the sockets opened with the token.
    expect(notices).toContainEqual({ kind: 'token-revoked', tokenId: id });
    expect((await db<{ revoked_at: number | null }>('SELECT revoked_at FROM runner_token WHERE id = $1', [id]))[0].revoked_at).toBeGreaterThan(0);
  });
});

describe('manual jobs', () => {
  it('creates a Ready job with a valid snapshot of one Custom stage', async () => {
    const answer = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, {
      title: 'Update the changelog',
      instructions: 'Add the 1.2 release notes.',
      type: 'batch',
      requiredCapabilities: ['claude_code'],
      requiredLabels: ['docs'],
    });
    expect(answer.status).toBe(200);
    const id = (answer.body.job as { id: string }).id;
    const [row] = await db<{ status: string; snapshot: unknown; required_capabilities: string[]; required_labels: string[]; created_by: string }>(
      'SELECT j.status, s.snapshot, j.required_capabilities, j.required_labels, j.created_by FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.id = $1',
      [id],
    );
    expect(row).toMatchObject({ status: 'ready', required_capabilities: ['claude_code'], required_labels: ['docs'], created_by: owner.userID });
    const snapshot = jobSnapshot.parse(row.snapshot);
    expect(snapshot.trigger.kind).toBe('manual');
    expect(snapshot.pipeline.steps.flatMap((s) => s.stages).map((s) => s.type)).toEqual(['custom']);
    expect(snapshot.instructions).toBe('Add the 1.2 release notes.');
  });

  it('links a ticket by its display id, and refuses a second active job for it', async () => {
    const project = await createProject(owner, 'JOB');
    await createTicket(owner, project, 'Fix the login page');
    const first = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'Fix it', instructions: 'Fix the login page.', type: 'streaming', ticket: 'job-1' });
    expect(first.status).toBe(200);
    const [row] = await db<{ snapshot: { ticket: { displayId: string; title: string } }; project_id: string }>('SELECT s.snapshot, j.project_id FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.id = $1', [
      (first.body.job as { id: string }).id,
    ]);
    expect(row.snapshot.ticket).toMatchObject({ displayId: 'JOB-1', title: 'Fix the login page' });
    expect(row.project_id).toBe(project.id);

    const second = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'Again', instructions: 'Again.', type: 'streaming', ticket: 'JOB-1' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/already has an active job/);
  });

  it('refuses a Member, an unknown ticket and bad input', async () => {
    const count = async () => Number((await db<{ n: string }>('SELECT count(*) AS n FROM job WHERE organization_id = $1', [owner.orgID]))[0].n);
    const before = await count();
    const byMember = await orgApi(member, 'POST', `${owner.orgID}/jobs`, { title: 'x', instructions: 'x', type: 'batch' });
    expect(byMember.status).toBe(403);
    const unknownTicket = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'x', instructions: 'x', type: 'batch', ticket: 'NOPE-9' });
    expect(unknownTicket.status).toBe(404);
    expect(unknownTicket.body.error).toBe('Ticket NOPE-9 not found.');
    const badType = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'x', instructions: 'x', type: 'interactive' });
    expect(badType.status).toBe(400);
    expect(badType.body.error).toMatch(/"streaming" or "batch"/);
    const badLabel = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'x', instructions: 'x', type: 'batch', requiredLabels: ['Back End'] });
    expect(badLabel.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('stops a Ready job through the mutator', async () => {
    const created = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'Stop me', instructions: 'x', type: 'batch' });
    const id = (created.body.job as { id: string }).id;
    // The client checks the job it sees, so wait until the new job has replicated to it.
    const view = owner.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: id }));
    await waitForData(view, (job) => job?.status === 'ready');
    // Members may stop jobs too (`jobs:steer`); its withdrawal is job-steering.pg.test.ts's.
    expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id })))).toBeNull();
    expect((await db<{ status: string }>('SELECT status FROM job WHERE id = $1', [id]))[0].status).toBe('stopped');
  });

  it('tells the runner holding a job to stop it', async () => {
    const created = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'Held', instructions: 'x', type: 'batch' });
    const id = (created.body.job as { id: string }).id;
    const runnerId = `held-by-${nanoid()}`;
    await db(
      `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
       VALUES ($1, $2, $1, '1.0.0', '[]', '[]', 1, 'x', 'online', $3, $3)`,
      [runnerId, owner.orgID, Date.now()],
    );
    await db(`UPDATE job SET status = 'running', runner_id = $2 WHERE id = $1`, [id, runnerId]);
    // The client checks the job it sees, so wait until the running job has replicated to it.
    const view = owner.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: id }));
    await waitForData(view, (job) => job?.status === 'running');
    const notices = await noticesDuring(async () => expect(await serverVerdict(owner.zero.mutate(mutators.job.stop({ id })))).toBeNull(), { kind: 'control', jobId: id, action: 'stop' });
    expect(notices).toContainEqual({ kind: 'control', runnerId, jobId: id, action: 'stop' });
    expect((await db<{ status: string }>('SELECT status FROM job WHERE id = $1', [id]))[0].status).toBe('stopped');
  });
});

describe('answering a paused job', () => {
  it('sends the answer to the runner holding the job, and refuses an answer to a job that is not waiting', async () => {
    const created = await orgApi(owner, 'POST', `${owner.orgID}/jobs`, { title: 'Asks', instructions: 'x', type: 'batch' });
    const id = (created.body.job as { id: string }).id;
    const runnerId = `asked-by-${nanoid()}`;
    await db(
      `INSERT INTO runner (id, organization_id, name, version, capabilities, labels, pool_size, token_id, status, last_heartbeat_at, created_at)
       VALUES ($1, $2, $1, '1.0.0', '[]', '[]', 1, 'x', 'online', $3, $3)`,
      [runnerId, owner.orgID, Date.now()],
    );
    await db(`UPDATE job SET status = 'waiting_for_input', runner_id = $2 WHERE id = $1`, [id, runnerId]);
    const view = owner.zero.materialize(queries.runners.job({ orgID: owner.orgID, jobID: id }));
    await waitForData(view, (job) => job?.status === 'waiting_for_input');
    const notices = await noticesDuring(async () =>
      expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id, action: 'input', text: 'Use PostgreSQL 16' })))).toBeNull(),
      { kind: 'control', jobId: id, action: 'input' },
    );
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'control', runnerId, jobId: id, action: 'input' }));
    // The answer itself waits in PostgreSQL until the runner acknowledges it.
    expect(await db('SELECT action, text, acked_at FROM secure.job_control WHERE job_id = $1', [id])).toEqual([{ action: 'input', text: 'Use PostgreSQL 16', acked_at: null }]);
    expect(await serverVerdict(owner.zero.mutate(mutators.job.respond({ id, action: 'continue' })))).toMatch(/Only a stopped or waiting job/);
  });
});

describe('runner settings and secrets mutators', () => {
  it('upserts the settings with defaults for what is not sent, within 10 to 3600 seconds', async () => {
    expect(await serverVerdict(owner.zero.mutate(mutators.runnerSettings.update({ orgID: owner.orgID, offlineTimeoutSeconds: 120 })))).toBeNull();
    const [row] = await db('SELECT offline_timeout_seconds, auto_create_jobs, retrigger_on_review FROM runner_settings WHERE organization_id = $1', [owner.orgID]);
    expect(row).toEqual({ offline_timeout_seconds: 120, auto_create_jobs: true, retrigger_on_review: false });

    const tooShort = owner.zero.mutate(mutators.runnerSettings.update({ orgID: owner.orgID, offlineTimeoutSeconds: 5 }));
    const outcome = await tooShort.client;
    expect(outcome.type).toBe('error');
    expect(await asHostileMember((zero) => serverVerdict(zero.mutate(hostile.runnerSettings.update({ orgID: owner.orgID, retriggerOnReview: true }))))).toBe(
      'Only administrators can manage runners, runner tokens and jobs.',
    );
    const [after] = await db('SELECT offline_timeout_seconds, retrigger_on_review FROM runner_settings WHERE organization_id = $1', [owner.orgID]);
    expect(after).toEqual({ offline_timeout_seconds: 120, retrigger_on_review: false });
  });

  it('deletes a secret and its sealed value for administrators only', async () => {
    const saved = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name: 'TO_DELETE', value: 'bye' });
    const id = (saved.body.entry as { id: string }).id;
    await owner.zero.run(queries.runners.vaultEntries({ orgID: owner.orgID }), { type: 'complete' });
    // Members do not even receive the entries' metadata.
    expect(await member.zero.run(queries.runners.vaultEntries({ orgID: owner.orgID }), { type: 'complete' })).toEqual([]);
    expect(await asHostileMember((zero) => serverVerdict(zero.mutate(hostile.vaultEntry.delete({ id }))))).toBe('Only administrators can manage runner secrets.');
    expect(await db('SELECT entry_id FROM secure.vault_value WHERE entry_id = $1', [id])).toHaveLength(1);

    expect(await serverVerdict(owner.zero.mutate(mutators.vaultEntry.delete({ id })))).toBeNull();
    expect(await db('SELECT id FROM vault_entry WHERE id = $1', [id])).toEqual([]);
    expect(await db('SELECT entry_id FROM secure.vault_value WHERE entry_id = $1', [id])).toEqual([]);
  });
});
