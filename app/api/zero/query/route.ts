// POST /api/zero/query — zero-cache asks which ZQL a named query means for this user.
import { handleQueryRequest } from '@rocicorp/zero/server';
import { mustGetQuery } from '@rocicorp/zero';
import { getZeroContext } from '@/lib/auth/session';
import { queries } from '@/zero/queries';
import { schema } from '@/zero/schema.gen';

export async function POST(request: Request) {
  const ctx = await getZeroContext(request.headers);
  if (!ctx) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  const response = await handleQueryRequest({
    schema,
    userID: ctx.userID,
    request,
    handler: (name, args) => mustGetQuery(queries, name).fn({ args, ctx }),
  });
  return Response.json(response);
}
