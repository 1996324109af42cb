import { nanoid } from 'nanoid';
import { defaultStatuses } from '../../lib/board/statuses.ts';
import { rankBetween } from '../../lib/tickets/rank.ts';
import { mutators } from '../../zero/mutators.ts';
import { queries } from '../../zero/queries.ts';
import type { ZeroContext } from '../../lib/auth/context.ts';
import { signUp, type TestAccount } from './accounts.ts';
import { sql } from './db.ts';
import { testStack } from './stack-env.ts';
import { connectZero, waitForData, type NodeZero } from './zero-client.ts';

export type Member = TestAccount & { zero: NodeZero; context: ZeroContext };

export function contextOf(account: TestAccount, extraOrgs: Record<string, 'owner' | 'admin' | 'member'> = {}): ZeroContext {
  return { userID: account.userID, orgs: { [account.orgID]: 'owner', ...extraOrgs } };
}

export async function newMember(name: string): Promise<Member> {
  const stack = testStack();
  const account = await signUp(stack.appUrl, stack.databaseUrl, name);
  const context = contextOf(account);
  return { ...account, context, zero: connectZero({ cacheURL: stack.zeroUrl, userID: account.userID, token: account.token, context }) };
}

/** Adds `guest` to `host`'s organization (test setup, as an accepted invitation would). */
export async function joinOrg(guest: Member, host: Member, role: 'member' | 'admin' = 'member'): Promise<Member> {
  const stack = testStack();
  await sql(stack.databaseUrl, 'INSERT INTO member (id, organization_id, user_id, role) VALUES ($1, $2, $3, $4)', [
    nanoid(),
    host.orgID,
    guest.userID,
    role,
  ]);
  await guest.zero.close();
  const context: ZeroContext = { userID: guest.userID, orgs: { ...guest.context.orgs, [host.orgID]: role } };
  return { ...guest, context, zero: connectZero({ cacheURL: stack.zeroUrl, userID: guest.userID, token: guest.token, context }) };
}

/** Resolves with the server's verdict: null when it committed, else the error message. */
export async function serverVerdict(result: { client: Promise<unknown>; server: Promise<{ type: string; error?: { message: string } }> }) {
  const outcome = await result.server;
  return outcome.type === 'error' ? (outcome.error?.message ?? 'error') : null;
}

/**
 * Client-side mutators read the client's synced rows, so a client works on a project
 * the way the board page does: with the project and its tickets subscribed.
 */
export async function openBoard(member: Member, project: { id: string; key: string; orgID: string }) {
  const views = [
    member.zero.preload(queries.project({ orgID: project.orgID, key: project.key })),
    member.zero.preload(queries.boardTickets({ orgID: project.orgID, projectID: project.id })),
  ];
  await Promise.all(views.map((v) => v.complete));
}

export async function createProject(owner: Member, key = 'SPD') {
  const id = nanoid();
  const statuses = defaultStatuses(nanoid);
  const verdict = await serverVerdict(owner.zero.mutate(mutators.project.create({ id, orgID: owner.orgID, key, name: `Project ${key}`, statuses })));
  if (verdict) throw new Error(`project.create refused: ${verdict}`);
  const project = { id, key, statuses, orgID: owner.orgID };
  await openBoard(owner, project);
  return project;
}

export async function createTicket(member: Member, project: { id: string; statuses: { id: string }[] }, title: string) {
  const id = nanoid();
  const verdict = await serverVerdict(
    member.zero.mutate(
      mutators.ticket.create({ id, projectID: project.id, statusID: project.statuses[0].id, title, type: 'task', rank: rankBetween(null, null) }),
    ),
  );
  if (verdict) throw new Error(`ticket.create refused: ${verdict}`);
  return id;
}

/** Waits until the member's Zero client holds the team: a mutator naming it runs on the client first. */
export async function waitForTeam(member: Member, teamId: string): Promise<void> {
  const teams = member.zero.materialize(queries.teams.list({ orgID: member.orgID }));
  try {
    await waitForData(teams, (rows) => rows.some((row) => row.id === teamId));
  } finally {
    teams.destroy();
  }
}
