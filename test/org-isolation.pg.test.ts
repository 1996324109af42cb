import { defineMutator, defineMutators } from '@rocicorp/zero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queries } from '../zero/queries.ts';
import { sql } from './support/db.ts';
import { createProject, createTicket, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { testStack } from './support/stack-env.ts';
import { connectZero } from './support/zero-client.ts';

let alice: Member;
let mallory: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let ticketId: string;

beforeAll(async () => {
  alice = await newMember('Alice');
  mallory = await newMember('Mallory');
  project = await createProject(alice, 'SEC');
  ticketId = await createTicket(alice, project, 'Secret roadmap');
});

afterAll(async () => {
  await alice?.zero.close();
  await mallory?.zero.close();
});

/** Mallory's client claims to be in Alice's org, so only the server stands in the way. */
function forgedContext() {
  return { userID: mallory.userID, orgs: { ...mallory.context.orgs, [alice.orgID]: 'owner' as const } };
}

describe('organization isolation', () => {
  it("returns nothing when another organization's ticket is queried by its ids", async () => {
    const zero = connectZero({ cacheURL: testStack().zeroUrl, userID: mallory.userID, token: mallory.token, context: forgedContext() });
    try {
      const rows = await zero.run(queries.boardTickets({ orgID: alice.orgID, projectID: project.id }), { type: 'complete' });
      const detail = await zero.run(queries.ticketDetail({ orgID: alice.orgID, projectID: project.id, number: 1 }), { type: 'complete' });
      expect(rows).toEqual([]);
      expect(detail).toBeUndefined();
    } finally {
      await zero.close();
    }
  });

// A client that skips every check of its own: the server alone decides.
const hostile = defineMutators({
  ticket: { move: defineMutator(async () => {}), create: defineMutator(async () => {}) },
  comment: { add: defineMutator(async () => {}) },
});

function hostileClient(userID: string, token: string) {
  return connectZero({ cacheURL: testStack().zeroUrl, userID, token, context: forgedContext(), mutators: hostile, storageKey: 'hostile' });
}

  it("refuses to move or comment on another organization's ticket and changes nothing", async () => {
    const zero = hostileClient(mallory.userID, mallory.token);
    try {
      const move = await serverVerdict(zero.mutate(hostile.ticket.move({ id: ticketId, statusID: project.statuses[4].id, rank: 'a0' })));
      const comment = await serverVerdict(zero.mutate(hostile.comment.add({ id: 'evil', ticketID: ticketId, body: 'hi' })));
      expect(move).toBe('Ticket not found.');
      expect(comment).toBe('Ticket not found.');
      const [row] = await sql<{ status_id: string }>(testStack().databaseUrl, 'SELECT status_id FROM ticket WHERE id = $1', [ticketId]);
      expect(row.status_id).toBe(project.statuses[0].id);
      expect(await sql(testStack().databaseUrl, "SELECT id FROM comment WHERE id = 'evil'")).toEqual([]);
    } finally {
      await zero.close();
    }
  });

  it('refuses malformed arguments from a client that skips validation', async () => {
    const zero = hostileClient(alice.userID, alice.token);
    try {
      const verdict = await serverVerdict(zero.mutate(hostile.ticket.create({ id: 'x', projectID: project.id, title: 42 } as never)));
      expect(verdict).toMatch(/Validation failed for mutator ticket.create/);
      expect(await sql(testStack().databaseUrl, "SELECT id FROM ticket WHERE id = 'x'")).toEqual([]);
    } finally {
      await zero.close();
    }
  });

  it('refuses a client that claims another user id', async () => {
    // Its own local store: only what the server sends can show up in it.
    const zero = connectZero({ cacheURL: testStack().zeroUrl, userID: alice.userID, token: mallory.token, context: alice.context, storageKey: 'impostor' });
    try {
      const seen = zero.materialize(queries.boardTickets({ orgID: alice.orgID, projectID: project.id }));
      const refused = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still ${zero.connection.state.current.name} after 10 s`)), 10_000);
        const check = (s: { name: string }) => {
          if (s.name === 'error' || s.name === 'needs-auth' || s.name === 'closed') {
            clearTimeout(timer);
            resolve(s.name);
          }
        };
        zero.connection.state.subscribe(check);
        check(zero.connection.state.current);
      });
      expect(['error', 'needs-auth', 'closed']).toContain(refused);
      expect(seen.data).toEqual([]);
    } finally {
      await zero.close();
    }
  });

  it("answers 404 for another organization's pages", async () => {
    const res = await fetch(`${testStack().appUrl}/${alice.orgSlug}`, { headers: { cookie: mallory.cookie }, redirect: 'manual' });
    expect(res.status).toBe(404);
    const own = await fetch(`${testStack().appUrl}/${mallory.orgSlug}`, { headers: { cookie: mallory.cookie }, redirect: 'manual' });
    expect(own.status).toBe(200);
  });

  it('sends signed-out visitors to sign in', async () => {
    const res = await fetch(`${testStack().appUrl}/${alice.orgSlug}`, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.headers.get('location')).toMatch(/\/sign-in/);
  });
});

describe('secrets stay out of the replica', () => {
  it('has no sessions, accounts or password hashes in zero-cache’s replica', async () => {
    const dataDir = testStack().dataDir;
    expect(dataDir).toBeTruthy();
    const { default: Database } = await import('@rocicorp/zero-sqlite3');
    const db = new Database(`${dataDir}/zero-replica.db`, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toContain('ticket');
      expect(tables.filter((t) => /session|account|verification/.test(t))).toEqual([]);
      const userColumns = (db.prepare('PRAGMA table_info("user")').all() as { name: string }[]).map((c) => c.name);
      expect(userColumns.some((c) => /password|token/.test(c))).toBe(false);
    } finally {
      db.close();
    }
  });
});
