// Epic runs driven through the real runner API (claim, status, events) as a supervisor would:
// the orchestrator's durable steps run in the app server's task queue.
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutators } from '../../zero/mutators.ts';
import { rankBetween } from '../tickets/rank.ts';
import { addBlock, addTicket, epicHarness, epicJobs, heartbeat, jobsPerTicket, nodesOf, readyFor, runIn, runJob, runOf, steer, steerRun, ticketStatus, type EpicHarness } from '../../test/support/epics.ts';
import { poll } from '../../test/support/poll.ts';
import { sql } from '../../test/support/db.ts';
import { whenMemberSees } from '../../test/support/jobs.ts';
import { testStack } from '../../test/support/stack-env.ts';

let h: EpicHarness;

beforeAll(async () => {
  h = await epicHarness('Epic Conductor', 'EPC', { maxCostUsd: 2 });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function startWithTeam(epicId: string) {
  expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epicId, teamID: h.teamId }))).toBeNull();
  const run = (await runOf(epicId))!;
  const [reset] = await readyFor(epicId, [null]);
  expect(reset.role).toBe('reset');
  await runJob(h, reset.id, 'completed');
  return run;
}

const jobOf = (jobs: { id: string; ticketId: string | null }[], ticketId: string) => jobs.find((j) => j.ticketId === ticketId)!.id;

describe('an epic run', () => {
  it('releases each ticket the moment its last dependency completes, then delivers one closing job and moves the Epic', async () => {
    const epic = await addTicket(h, 'Checkout revamp', 'epic', null);
    const a = await addTicket(h, 'A: schema', 'task', epic);
    const b = await addTicket(h, 'B: api', 'task', epic);
    const c = await addTicket(h, 'C: worker', 'task', epic);
    const d = await addTicket(h, 'D: wire up', 'task', epic);
    const story = await addTicket(h, 'S: payments story', 'story', epic);
    const t1 = await addTicket(h, 'T1: card form', 'task', story);
    const t2 = await addTicket(h, 'T2: receipts', 'bug', story);
    for (const [x, y] of [[a, b], [a, c], [b, d], [c, d]]) await addBlock(h, x!, y!);

    expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: h.teamId }))).toBeNull();
    const run = (await runOf(epic))!;
    expect(run).toMatchObject({ status: 'running', branch: 'epic/EPC-1', budget_usd: 14 });
    expect(await ticketStatus(epic)).toBe('AI Processing');
    // The reset comes first, alone: no sub-run before the branch is on its base.
    const [reset] = await readyFor(epic, [null]);
    expect(reset.role).toBe('reset');
    const [snapshot] = await sql<{ s: { epic: unknown; pipeline: { steps: unknown[] } } }>(testStack().databaseUrl, 'SELECT snapshot AS s FROM secure.job_snapshot WHERE job_id = $1', [reset.id]);
    expect(snapshot!.s.epic).toEqual({ runId: run.id, epicTicketId: epic, branch: 'epic/EPC-1', role: 'reset' });
    expect(snapshot!.s.pipeline.steps).toEqual([]);
    expect(Object.values(await nodesOf(run.id)).map((n) => n.wave).sort()).toEqual([0, 0, 0, 1, 1, 1, 2]);
    await runJob(h, reset.id, 'completed');

    let ready = await readyFor(epic, [a, t1, t2]);
    expect(ready.every((j) => j.role === 'sub-run')).toBe(true);
    expect(await ticketStatus(a)).toBe('AI Processing');
    await runJob(h, jobOf(ready, t1), 'completed');
    await runJob(h, jobOf(ready, a), 'completed');
    // A's dependants go at once; the story still waits for T2.
    ready = await readyFor(epic, [t2, b, c]);
    await runJob(h, jobOf(ready, b), 'completed');
    ready = await readyFor(epic, [t2, c]);
    await runJob(h, jobOf(ready, t2), 'completed');
    ready = await readyFor(epic, [c, story]);
    await runJob(h, jobOf(ready, c), 'completed');
    ready = await readyFor(epic, [story, d]);
    await runJob(h, jobOf(ready, story), 'completed');
    await runJob(h, jobOf(ready, d), 'completed');

    const [closing] = await readyFor(epic, [epic]);
    expect(closing.role).toBe('closing');
    const pr = { repository: 'acme/shop', url: 'https://github.com/acme/shop/pull/7', number: 7, branch: 'epic/EPC-1' };
    await runJob(h, closing.id, 'completed', { result: { pullRequests: [pr] } });
    expect(await runIn(epic, 'completed')).toMatchObject({ pull_requests: [pr] });
    expect(await ticketStatus(epic)).toBe('In Review');
    for (const id of [a, b, c, d, story, t1, t2]) expect(await ticketStatus(id)).toBe('In Review');
    expect(Object.values(await jobsPerTicket([a, b, c, d, story, t1, t2]))).toEqual(Array(7).fill(1));
  });

  it('pauses on a failure; a retry runs the ticket again, a skip skips its dependants too and the run goes on', async () => {
    const epic = await addTicket(h, 'Search', 'epic', null);
    const x = await addTicket(h, 'X: index', 'task', epic);
    const y = await addTicket(h, 'Y: query', 'task', epic);
    const z = await addTicket(h, 'Z: ui', 'task', epic);
    const w = await addTicket(h, 'W: docs', 'task', epic);
    await addBlock(h, x, y);
    await addBlock(h, y, z);
    const run = await startWithTeam(epic);

    let ready = await readyFor(epic, [x, w]);
    await runJob(h, jobOf(ready, x), 'failed', { reason: 'Tests failed.' });
    const paused = await runIn(epic, 'paused');
    expect(paused.status_reason).toMatch(/^EPC-\d+ failed: Tests failed\. Retry it or skip it\.$/);
    expect(await ticketStatus(x)).toBe('Todo');
    // Running sub-runs finish while paused; nothing new starts.
    await runJob(h, jobOf(ready, w), 'completed');
    await poll('W completed', async () => (await nodesOf(run.id))[w]!.status === 'completed', 10_000, 100);
    expect(await epicJobs(epic, 'ready')).toEqual([]);

    expect(await steerRun(h, epic, mutators.epicRun.retry({ runID: run.id, ticketID: x }))).toBeNull();
    ready = await readyFor(epic, [x]);
    expect((await runOf(epic))!.status).toBe('running');
    await runJob(h, jobOf(ready, x), 'failed', { reason: 'Still failing.' });
    await runIn(epic, 'paused');
    const working = h.project.statuses.find((s) => s.name === 'AI Processing')!;
    expect(await steer(h, mutators.ticket.move({ id: y, statusID: working.id, rank: rankBetween(null, null) }))).toBeNull();

    expect(await steerRun(h, epic, mutators.epicRun.skip({ runID: run.id, ticketID: x }))).toBeNull();
    const nodes = await nodesOf(run.id);
    expect(nodes[x]).toMatchObject({ status: 'skipped', skip_reason: 'Skipped by Epic Conductor.' });
    expect(nodes[y]!.skip_reason).toMatch(/^Depends on EPC-\d+, which was skipped\.$/);
    expect(nodes[z]!.status).toBe('skipped');
    const [closing] = await readyFor(epic, [epic]);
    expect(closing.role).toBe('closing');
    // Y was moved by hand while the run was paused: no ordinary job, and it never ran.
    expect(await jobsPerTicket([x, y, z, w])).toEqual({ [x]: 2, [w]: 1 });
    await runJob(h, closing.id, 'completed', { result: { pullRequests: [] } });
    await runIn(epic, 'completed');
  });

  it('cancel stops the run and its sub-runs; continue runs the unfinished tickets and a subticket added since', async () => {
    const epic = await addTicket(h, 'Notifications', 'epic', null);
    const p = await addTicket(h, 'P: email', 'task', epic);
    const q = await addTicket(h, 'Q: sms', 'task', epic);
    const run = await startWithTeam(epic);
    const ready = await readyFor(epic, [p, q]);
    // P is taken by the runner; Q still waits.
    expect((await h.api.post('jobs/claim', { runnerId: h.runnerId, jobId: jobOf(ready, p) })).status).toBe(200);

    expect(await steerRun(h, epic, mutators.epicRun.cancel({ runID: run.id }))).toBeNull();
    expect(await runOf(epic)).toMatchObject({ status: 'cancelled', status_reason: 'Cancelled by Epic Conductor.' });
    const [qJob] = await sql<{ status: string }>(testStack().databaseUrl, 'SELECT status FROM job WHERE id = $1', [jobOf(ready, q)]);
    expect(qJob!.status).toBe('failed');
    // The runner was told to cancel P; it reports the end, as the supervisor does.
    expect((await h.api.post(`jobs/${jobOf(ready, p)}/status`, { runnerId: h.runnerId, status: 'failed', reason: 'Cancelled by Epic Conductor.' })).status).toBe(200);
    expect(Object.values(await nodesOf(run.id)).map((n) => n.status)).toEqual(['cancelled', 'cancelled']);

    const r = await addTicket(h, 'R: push', 'task', epic);
    expect(await steerRun(h, epic, mutators.epicRun.continue({ runID: run.id }))).toBeNull();
    const again = await readyFor(epic, [p, q, r]);
    expect(again.every((j) => j.role === 'sub-run')).toBe(true);
    for (const job of again) await runJob(h, job.id, 'completed');
    const [closing] = await readyFor(epic, [epic]);
    expect(closing.role).toBe('closing');
    expect(await jobsPerTicket([p, q, r])).toEqual({ [p]: 2, [q]: 2, [r]: 1 });
  });

  it('restart resets the branch and runs every ticket again, completed ones too', async () => {
    const epic = await addTicket(h, 'Onboarding', 'epic', null);
    const m = await addTicket(h, 'M: welcome', 'task', epic);
    const n = await addTicket(h, 'N: tour', 'task', epic);
    await addBlock(h, m, n);
    const run = await startWithTeam(epic);
    const first = await readyFor(epic, [m]);
    await runJob(h, first[0]!.id, 'completed');
    await readyFor(epic, [n]);

    expect(await steerRun(h, epic, mutators.epicRun.restart({ runID: run.id }))).toBeNull();
    expect(Object.values(await nodesOf(run.id)).map((x) => x.status)).toEqual(['pending', 'pending']);
    // N's sub-run was cancelled; the new reset goes first.
    const [reset] = await readyFor(epic, [null]);
    await runJob(h, reset.id, 'completed');
    const again = await readyFor(epic, [m]);
    await runJob(h, again[0]!.id, 'completed');
    const last = await readyFor(epic, [n]);
    await runJob(h, last[0]!.id, 'completed');
    await readyFor(epic, [epic]);
    expect(await jobsPerTicket([m, n])).toEqual({ [m]: 2, [n]: 2 });
  });

  it('pauses at its budget while running sub-runs finish, and goes on when a person raises it', async () => {
    const epic = await addTicket(h, 'Reports', 'epic', null);
    const a = await addTicket(h, 'A: export', 'task', epic);
    const b = await addTicket(h, 'B: charts', 'task', epic);
    const c = await addTicket(h, 'C: email', 'task', epic);
    await addBlock(h, a, b);
    expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: h.teamId }))).toBeNull();
    const run = (await runOf(epic))!;
    // Default: the team's per-job limit ($2) × 3 tickets.
    expect(run.budget_usd).toBe(6);
    expect(await steerRun(h, epic, mutators.epicRun.setBudget({ runID: run.id, budgetUsd: 1.5 }))).toBeNull();
    const [reset] = await readyFor(epic, [null]);
    await runJob(h, reset.id, 'completed');

    let ready = await readyFor(epic, [a, c]);
    await runJob(h, jobOf(ready, a), 'completed', { costly: true });
    ready = await readyFor(epic, [b, c]);
    await runJob(h, jobOf(ready, c), 'completed', { costly: true });
    const paused = await runIn(epic, 'paused');
    expect(paused.status_reason).toBe('Budget reached: $2.12 of $1.50. Raise the run’s budget to continue.');
    // B, already running, finishes under its own budget; nothing new is dispatched.
    await runJob(h, jobOf(ready, b), 'completed');
    await poll('B completed', async () => (await nodesOf(run.id))[b]!.status === 'completed', 10_000, 100);
    expect(await epicJobs(epic, 'ready')).toEqual([]);
    expect((await runOf(epic))!.status).toBe('paused');

    expect(await steerRun(h, epic, mutators.epicRun.setBudget({ runID: run.id, budgetUsd: 2 }))).toMatch(/cost \$2\.12 already/);
    expect(await steerRun(h, epic, mutators.epicRun.setBudget({ runID: run.id, budgetUsd: 5 }))).toBeNull();
    await readyFor(epic, [epic]);
    expect((await runOf(epic))!.status).toBe('running');
  });

  it('refuses a start with a dependency loop, naming its tickets, and a team whose statuses are not columns', async () => {
    const epic = await addTicket(h, 'Loops', 'epic', null);
    const a = await addTicket(h, 'A: one', 'task', epic);
    const b = await addTicket(h, 'B: two', 'task', epic);
    await addBlock(h, a, b);
    await addBlock(h, b, a);
    expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: h.teamId }))).toMatch(/loop: EPC-\d+ → EPC-\d+ → EPC-\d+\. Remove one of their BLOCKS links\./);
    expect(await runOf(epic)).toBeUndefined();
    await sql(testStack().databaseUrl, 'DELETE FROM ticket_block WHERE blocker_id = $1', [b]);
    await sql(testStack().databaseUrl, `UPDATE runner_team SET completion_status = 'Shipped' WHERE id = $1`, [h.teamId]);
    try {
      expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: h.teamId }))).toMatch(/“Shipped”, which is not a column of this project/);
    } finally {
      await sql(testStack().databaseUrl, `UPDATE runner_team SET completion_status = 'In Review' WHERE id = $1`, [h.teamId]);
    }
  });

  it('moving an Epic with no runner team of its own into the working status starts a run, not an ordinary job', async () => {
    const epic = await addTicket(h, 'Moved epic', 'epic', null);
    const k = await addTicket(h, 'K: one', 'task', epic);
    const working = h.project.statuses.find((s) => s.name === 'AI Processing')!;
    expect(await steer(h, mutators.ticket.move({ id: epic, statusID: working.id, rank: rankBetween(null, null) }))).toBeNull();
    expect((await runOf(epic))!.status).toBe('running');
    const [reset] = await readyFor(epic, [null]);
    await runJob(h, reset.id, 'completed');
    await readyFor(epic, [k]);
    // Read-only while the run is active.
    expect(await steer(h, mutators.epicRun.setTeam({ ticketID: epic, teamID: null }))).toMatch(/cannot change while the Epic’s run is active/);
  });
  it('a subticket an agent creates under a sub-run is part of the run: no job of its own, the answer says so, and it joins on Continue', async () => {
    const epic = await addTicket(h, 'Billing', 'epic', null);
    const story = await addTicket(h, 'S: invoices', 'story', epic);
    const run = await startWithTeam(epic);
    const [job] = await readyFor(epic, [story]);
    await heartbeat(h);
    expect((await h.api.post('jobs/claim', { runnerId: h.runnerId, jobId: job!.id })).status).toBe(200);
    for (const status of ['preparing', 'executing', 'running']) expect((await h.api.post(`jobs/${job!.id}/status`, { runnerId: h.runnerId, status })).status).toBe(200);
    // The working status as the first column: a ticket created there would start a job of its own.
    const swapFirstColumn = () =>
      sql(
        testStack().databaseUrl,
        `UPDATE project_status s SET position = o.position FROM project_status o
         WHERE s.project_id = $1 AND o.project_id = $1 AND ((s.name = 'Backlog' AND o.name = 'AI Processing') OR (s.name = 'AI Processing' AND o.name = 'Backlog'))`,
        [h.project.id],
      );
    await swapFirstColumn();
    let created: Awaited<ReturnType<EpicHarness['api']['post']>>;
    try {
      created = await h.api.post(`jobs/${job!.id}/board/subtickets`, { runnerId: h.runnerId, title: 'Send the invoice e-mail' });
    } finally {
      await swapFirstColumn();
    }
    expect(created.status).toBe(200);
    expect(created.body.ticket).toMatchObject({ type: 'task', status: 'AI Processing' });
    expect(created.body.epicRunNotice).toMatch(/^Part of the epic run of EPC-\d+: no job starts for it now; it joins the run when someone continues the run \(Continue in the Epic Run Panel\)\.$/);
    const task = created.body.ticket.id as string;
    expect(await jobsPerTicket([task])).toEqual({});
    expect(Object.keys(await nodesOf(run.id))).toEqual([story]);

    expect((await h.api.post(`jobs/${job!.id}/status`, { runnerId: h.runnerId, status: 'failed', reason: 'Needs the e-mail first.' })).status).toBe(200);
    await runIn(epic, 'paused');
    expect(await steerRun(h, epic, mutators.epicRun.continue({ runID: run.id }))).toBeNull();
    // The story runs after its new child.
    const [again] = await readyFor(epic, [task]);
    expect(again!.role).toBe('sub-run');
    expect((await nodesOf(run.id))[story]!.status).toBe('pending');
  });

  it('Retry on a sub-run’s job page is the run’s own Retry: the ticket’s node gets the new sub-run and the run goes on', async () => {
    const epic = await addTicket(h, 'Exports', 'epic', null);
    const a = await addTicket(h, 'A: csv', 'task', epic);
    const b = await addTicket(h, 'B: xlsx', 'task', epic);
    await addBlock(h, a, b);
    const run = await startWithTeam(epic);
    const [failed] = await readyFor(epic, [a]);
    await runJob(h, failed!.id, 'failed', { reason: 'Tests failed.' });
    await runIn(epic, 'paused');

    await whenMemberSees(h.owner, failed!.id, 'failed');
    expect(await steer(h, mutators.job.retry({ id: failed!.id, newID: nanoid(), fromCheckpoint: false }))).toBeNull();
    const [again] = await readyFor(epic, [a]);
    expect(again!.id).not.toBe(failed!.id);
    expect((await runOf(epic))!.status).toBe('running');
    const [node] = await sql<{ job_id: string; status: string }>(testStack().databaseUrl, 'SELECT job_id, status FROM epic_run_node WHERE run_id = $1 AND ticket_id = $2', [run.id, a]);
    expect(node).toEqual({ job_id: again!.id, status: 'running' });
    // The earlier sub-run is not the node's any more: retrying it again is refused, and nothing is written.
    expect(await steer(h, mutators.job.retry({ id: failed!.id, newID: nanoid(), fromCheckpoint: false }))).toMatch(/^EPC-\d+ has a newer sub-run than this one: steer it in the Epic Run Panel\.$/);
    expect(await jobsPerTicket([a])).toEqual({ [a]: 2 });

    await runJob(h, again!.id, 'completed');
    const [next] = await readyFor(epic, [b]);
    await runJob(h, next!.id, 'completed');
    const [closing] = await readyFor(epic, [epic]);
    await runJob(h, closing!.id, 'failed', { reason: 'GitHub answered 502.' });
    await runIn(epic, 'failed');
    // The failed delivery's Retry is the run's Continue: a new closing job.
    await whenMemberSees(h.owner, closing!.id, 'failed');
    expect(await steer(h, mutators.job.retry({ id: closing!.id, newID: nanoid(), fromCheckpoint: false }))).toBeNull();
    const [delivery] = await readyFor(epic, [epic]);
    expect(delivery).toMatchObject({ role: 'closing' });
    expect(delivery!.id).not.toBe(closing!.id);
    expect((await runOf(epic))!.status).toBe('running');
  });
});
