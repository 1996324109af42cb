// The runner API's route wrapper: authentication, body parsing and error mapping live
// here once, so each route is its own few lines. Refusals are `{ error }` with a 4xx.
import type { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { getLogger } from '@/lib/log/logger';
import { authenticateRunnerToken, clientAddressHeader, resolveRunner, type RunnerAuth, type RunnerRow } from '@/lib/runners/authenticate';
import { SpedyError, toError } from '@spedy/protocol/errors';
import { parseRunnerJson, readRequestText } from '@/lib/runners/request-body';
import { runnerTokenHashKey } from '@/lib/secrets/keyring';

const log = getLogger('runner-api');

type RouteContext = { params: Promise<Record<string, string>> };
type TokenContext<T> = { req: Request; auth: RunnerAuth; body: T; params: Record<string, string> };

export function withRunnerToken<T = undefined>(
  handler: (ctx: TokenContext<T>) => Promise<unknown>,
  options: { body?: z.ZodType<T> } = {},
): (req: Request, ctx: RouteContext) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const auth = await authenticateRunnerToken(getDb(), runnerTokenHashKey(), {
        authorization: req.headers.get('authorization'),
        address: req.headers.get(clientAddressHeader) ?? 'unknown',
      });
      const body = options.body ? parseRunnerJson(options.body, await readRequestText(req)) : (undefined as T);
      const result = await handler({ req, auth, body, params: await ctx.params });
      return Response.json(result, { headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      return errorResponse(req, error);
    }
  };
}

/** For bodies that name the runner (`runnerId`): the runner, checked against the token's organization and scope. */
export function withRunner<T extends { runnerId: string }>(
  body: z.ZodType<T>,
  handler: (ctx: TokenContext<T> & { runner: RunnerRow }) => Promise<unknown>,
): (req: Request, ctx: RouteContext) => Promise<Response> {
  return withRunnerToken(async (ctx) => handler({ ...ctx, runner: await resolveRunner(getDb(), ctx.auth, ctx.body.runnerId) }), { body });
}

function errorResponse(req: Request, error: unknown): Response {
  if (error instanceof SpedyError) {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
    // Why a runner was refused, for an operator who turns SPEDY_LOG_LEVEL to debug.
    log.debug({ method: req.method, path: new URL(req.url).pathname, status: error.httpStatus }, error.message);
    return Response.json({ error: error.message }, { status: error.httpStatus, headers });
  }
  log.error({ err: toError(error), method: req.method, path: new URL(req.url).pathname }, 'runner API request failed');
  return Response.json({ error: 'The platform could not handle this request; it logged the details.' }, { status: 500 });
}
