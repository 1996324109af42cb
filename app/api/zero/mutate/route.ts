// POST /api/zero/mutate — zero-cache forwards the browser's mutations (with its cookie) here.
import { handleMutateRequest } from '@rocicorp/zero/server';
import { mustGetMutator } from '@rocicorp/zero';
import { getZeroContext } from '@/lib/auth/session';
import { spedyMetrics } from '@/lib/operations/metrics';
import { getZeroDbProvider } from '@/zero/db-provider';
import { serverMutators } from '@/zero/server-mutators';

export async function POST(request: Request) {
  const ctx = await getZeroContext(request.headers);
  if (!ctx) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  spedyMetrics().syncMutations.inc();
  const response = await handleMutateRequest({
    dbProvider: getZeroDbProvider(),
    userID: ctx.userID,
    request,
    handler: (transact) =>
      transact((tx, name, args) => mustGetMutator(serverMutators, name).fn({ tx, args, ctx })),
  });
  return Response.json(response);
}
