// GET /api/orgs/[orgId]/knowledge/search?q=… — the ids of the organization's knowledge entries
// matching the search, best first (lib/knowledge/entry-search.ts); any member may ask, as any
// member reads the entries. Settings → Knowledge shows those rows live through Zero.
import { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { withSession } from '@/lib/auth/with-session';
import { getDb } from '@/lib/db/client';
import { searchEntries } from '@/lib/knowledge/entry-search';

const search = z.string().trim().min(1, 'Type something to search for.').max(500, 'Search for at most 500 characters.');

export const GET = withSession<{ orgId: string }>({}, async ({ req, orgId }) => {
  const parsed = search.safeParse(new URL(req.url).searchParams.get('q') ?? '');
  if (!parsed.success) throw new SpedyError('invalid', parsed.error.issues[0]!.message);
  return { ids: await searchEntries(getDb(), { organizationId: orgId, text: parsed.data }) };
});
