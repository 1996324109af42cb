// A ticket's own AI budget (lib/tickets/ai-budget.ts): set by those who may override budgets,
// never past the cost ceiling of the project's team; refused input writes nothing. Jobs
// created from the ticket take its limits in their snapshot, in the transaction of the move
// or comment that creates them; without one they take the team's.
import { defineMutator, defineMutators } from '@rocicorp/zero';
import { nanoid } from 'nanoid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '@spedy/protocol/wire';
import { defaultBudget } from '../lib/teams/pipeline.ts';
import { rankBetween } from '../lib/tickets/rank.ts';
import { permissionDeniedMessage } from '../lib/auth/permissions.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, joinOrg, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { testStack } from './support/stack-env.ts';
import { connectZero, waitForData } from './support/zero-client.ts';

let owner: Member;
let member: Member;
let stranger: Member;
let project: Awaited<ReturnType<typeof createProject>>;

// Client mutators that check nothing, so every call reaches the server, whose checks are the ones that count.
const unchecked = defineMutators({ ticket: { setAiBudget: defineMutator(async () => {}) } });
const serverOnly = new Map<Member, ReturnType<typeof connectZero>>();
function asServerSees(who: Member) {
  let zero = serverOnly.get(who);
  if (!zero) {
    zero = connectZero({ cacheURL: testStack().zeroUrl, userID: who.userID, token: who.token, context: who.context, mutators: unchecked, storageKey: `unchecked-${who.userID}` });
    serverOnly.set(who, zero);
  }
  return zero;
}
const setAiBudget = (ticketId: string, budget: Record<string, number | string | null> | null, who: Member = owner) =>
  serverVerdict(asServerSees(who).mutate(unchecked.ticket.setAiBudget({ id: ticketId, budget })));

const query = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(testStack().databaseUrl, text, params);
const aiBudgetOf = async (ticketId: string) => (await query<{ ai_budget: unknown }>('SELECT ai_budget FROM ticket WHERE id = $1', [ticketId]))[0]!.ai_budget;
const jobBudgets = (ticketId: string) =>
  query<{ type: string; team_id: string; budget: JobSnapshot['budget'] }>(
    "SELECT j.type, j.team_id, s.snapshot->'budget' AS budget FROM job j JOIN secure.job_snapshot s ON s.job_id = j.id WHERE j.ticket_id = $1 ORDER BY j.created_at",
    [ticketId],
  );
const moveToWork = (ticketId: string) =>
  serverVerdict(owner.zero.mutate(mutators.ticket.move({ id: ticketId, statusID: project.statuses.find((s) => s.name === 'AI Processing')!.id, rank: rankBetween(null, null) })));

/** The project's team: $6 a job, up to a $8 ceiling. Its jobs stay Ready (no runner has its label). */
const thrifty = nanoid();
/** A team that is only @mentioned, with a lower ceiling. */
const frugal = nanoid();

async function createTeam(id: string, name: string, handle: string, budget: typeof defaultBudget) {
  const fields = { description: '', workingStatus: 'AI Processing', completionStatus: 'In Review', failureStatus: 'Todo', requiredCapabilities: ['claude_code'], requiredLabels: ['no-runner-has-this'] };
  expect(await serverVerdict(owner.zero.mutate(mutators.team.create({ id, orgID: owner.orgID, preset: 'code_runner', name, handle, budget, ...fields })))).toBeNull();
}

beforeAll(async () => {
  owner = await newMember('Ticket Budget Owner');
  member = await joinOrg(await newMember('Ticket Budget Member'), owner, 'member');
  stranger = await newMember('Ticket Budget Stranger');
  project = await createProject(owner, 'TBG');
  await Promise.all([owner.zero.preload(queries.teams.list({ orgID: owner.orgID })).complete, owner.zero.preload(queries.handles({ orgID: owner.orgID })).complete]);
  await createTeam(thrifty, 'Thrifty', 'thrifty', { ...defaultBudget, maxCostUsd: 6, maxCostCeilingUsd: 8, maxTurns: 200 });
  await createTeam(frugal, 'Frugal', 'frugal', { ...defaultBudget, maxCostUsd: 3, maxCostCeilingUsd: 5, maxTurns: 100 });
  const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
  await waitForData(teams, (rows) => rows.length === 2);
  teams.destroy();
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: thrifty, triggerOnStatus: 'auto' })))).toBeNull();
}, 60_000);

afterAll(async () => {
  await Promise.all([...serverOnly.values()].map((zero) => zero.close()));
  for (const m of [owner, member, stranger]) await m?.zero.close();
});

describe('setting a ticket’s AI budget', () => {
  it('an administrator sets it, live for a member’s client; clearing it brings back the team’s', async () => {
    const ticketId = await createTicket(owner, project, 'Budgeted');
    expect(await serverVerdict(owner.zero.mutate(mutators.ticket.setAiBudget({ id: ticketId, budget: { maxCostUsd: 4, maxTurns: 30 } })))).toBeNull();
    expect(await aiBudgetOf(ticketId)).toEqual({ maxCostUsd: 4, maxTurns: 30 });
    const seen = member.zero.materialize(queries.boardTickets({ orgID: owner.orgID, projectID: project.id }));
    const ticket = (rows: Readonly<typeof seen.data>) => rows.find((row) => row.id === ticketId);
    try {
      await waitForData(seen, (rows) => ticket(rows)?.aiBudget?.maxCostUsd === 4);
      expect(await setAiBudget(ticketId, null)).toBeNull();
      await waitForData(seen, (rows) => ticket(rows) !== undefined && ticket(rows)!.aiBudget === null);
    } finally {
      seen.destroy();
    }
    expect(await aiBudgetOf(ticketId)).toBeNull();
  });

  it('refuses past the team’s ceiling, no cost limit under a ceiling, bad figures, other organizations and members without steering, writing nothing', async () => {
    const ticketId = await createTicket(owner, project, 'Guarded');
    expect(await setAiBudget(ticketId, { maxCostUsd: 5 })).toBeNull();
    const refused = (budget: Record<string, number | string | null> | null, who: Member = owner) => setAiBudget(ticketId, budget, who);
    expect(await refused({ maxCostUsd: 9 })).toBe("$9.00 is above the team's cost ceiling of $8.00; ask an administrator to raise the ceiling.");
    expect(await refused({ maxCostUsd: null })).toBe("The team's cost ceiling is $8.00; set a cost limit up to it.");
    expect(await refused({ maxCostUsd: -1 })).toContain('The cost limit must be above $0.');
    expect(await refused({ maxCostUsd: '4' })).toContain('The cost limit is a number of US dollars.');
    expect(await refused({ maxTurns: 2.5 })).toContain('The turn limit is a whole number.');
    expect(await refused({})).toContain('Change at least one limit.');
    expect(await refused({ maxCostUsd: 3 }, stranger)).toBe('Ticket not found.');
    expect(await aiBudgetOf(ticketId)).toEqual({ maxCostUsd: 5 });
    // Members steer jobs by default, budgets included; with steering withdrawn from them, they may not.
    expect(await refused({ maxCostUsd: 4 }, member)).toBeNull();
    expect(await aiBudgetOf(ticketId)).toEqual({ maxCostUsd: 4 });
    const steering = (granted: boolean) => serverVerdict(owner.zero.mutate(mutators.organizationSettings.setMemberPermission({ orgID: owner.orgID, permission: 'jobs:steer', granted })));
    expect(await steering(false)).toBeNull();
    try {
      expect(await refused({ maxCostUsd: 3 }, member)).toBe(permissionDeniedMessage('jobs:steer'));
      expect(await aiBudgetOf(ticketId)).toEqual({ maxCostUsd: 4 });
    } finally {
      expect(await steering(true)).toBeNull();
    }
  });
});

describe('jobs created from the ticket', () => {
  it('a status-triggered job’s snapshot carries the ticket’s limits, and the team’s for the rest', async () => {
    const ticketId = await createTicket(owner, project, 'Work on a small budget');
    expect(await setAiBudget(ticketId, { maxCostUsd: 2.5, maxTurns: 40 })).toBeNull();
    expect(await moveToWork(ticketId)).toBeNull();
    const [job] = await jobBudgets(ticketId);
    expect(job).toMatchObject({ type: 'streaming', team_id: thrifty });
    expect(job!.budget).toEqual({ ...defaultBudget, maxCostUsd: 2.5, maxTurns: 40 });
  });

  it('without a budget of its own, the job takes the team’s', async () => {
    const ticketId = await createTicket(owner, project, 'Work on the team’s budget');
    expect(await moveToWork(ticketId)).toBeNull();
    const [job] = await jobBudgets(ticketId);
    expect(job!.budget).toEqual({ ...defaultBudget, maxCostUsd: 6, maxTurns: 200 });
  });

  it('an @mentioned team’s job takes the ticket’s limits, but never past that team’s own ceiling', async () => {
    // $7 is under the project team's $8 ceiling, above Frugal's $5.
    const ticketId = await createTicket(owner, project, 'Ask around');
    expect(await setAiBudget(ticketId, { maxCostUsd: 7, maxTurns: 25 })).toBeNull();
    const comment = await serverVerdict(owner.zero.mutate(mutators.comment.add({ id: nanoid(), ticketID: ticketId, body: '@frugal how big is this?' })));
    expect(comment).toBeNull();
    const [job] = await jobBudgets(ticketId);
    expect(job).toMatchObject({ type: 'board_interaction', team_id: frugal });
    expect(job!.budget).toEqual({ ...defaultBudget, maxCostUsd: 5, maxTurns: 25 });
  });
});
