import { sql } from '../../test/support/db';

/** The stack's PostgreSQL, for setting up what the UI cannot (a runner's heartbeat) and for checking what was stored. */
export function db<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params: unknown[] = []) {
  const url = process.env.SPEDY_TEST_DATABASE_URL;
  if (!url) throw new Error('Set SPEDY_TEST_DATABASE_URL (npm test and the dev stacks print it).');
  return sql<T>(url, text, params);
}

export async function orgIdOf(slug: string): Promise<string> {
  const [row] = await db<{ id: string }>('SELECT id FROM organization WHERE slug = $1', [slug]);
  if (!row) throw new Error(`No organization ${slug}`);
  return row.id;
}
