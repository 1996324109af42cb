// The one wrapper of the organization routes (`app/api/orgs/[orgId]/**`): authenticate
// by session cookie, check membership and a permission, parse the body with zod, and map
// every failure to `{ error: "readable message" }` with a 4xx (5xx only for our bugs,
// logged with context — never the body, which may carry a secret).
import type { z } from 'zod';
import { SpedyError } from '@spedy/protocol/errors';
import { getLogger } from '../log/logger.ts';
import { assertMember } from './context.ts';
import { assertPermission, type Permission } from './permissions.ts';
import type { Role } from './roles.ts';
import { buildZeroContext, getSession } from './session.ts';

const log = getLogger('org-api');

export type ApiIssue = { path: string; message: string };

function fail(status: number, error: string, issues?: ApiIssue[]): Response {
  return Response.json(issues ? { error, issues } : { error }, { status, headers: { 'cache-control': 'no-store' } });
}

type SessionInput<P, B> = { req: Request; params: P; orgId: string; userId: string; role: Role; body: B };

/**
 * `export const POST = withSession({ permission: 'runners:manage', body: schema }, async ({ orgId, body }) => …)`.
 * The handler returns a Response, or a value sent as JSON with 200.
 */
export function withSession<P extends { orgId: string }, S extends z.ZodType | undefined = undefined>(
  /** Without `permission`, any member of the organization may ask. */
  options: { permission?: Permission; body?: S },
  handler: (input: SessionInput<P, S extends z.ZodType ? z.output<S> : undefined>) => Promise<unknown>,
) {
  return async (req: Request, context: { params: Promise<P> }): Promise<Response> => {
    const params = await context.params;
    try {
      // Browsers send Origin on every POST/PUT/DELETE; a page of another site must not act with our cookie.
      const origin = req.headers.get('origin');
      if (origin && origin !== 'null' && new URL(origin).host !== req.headers.get('host')) {
        return fail(403, 'This request came from another site and was refused.');
      }
      const session = await getSession(req.headers);
      if (!session) return fail(401, 'Sign in to continue.');
      const ctx = await buildZeroContext(session.user.id);
      const role = options.permission ? assertPermission(ctx, params.orgId, options.permission) : assertMember(ctx, params.orgId);

      let body: unknown;
      if (options.body) {
        if (!(req.headers.get('content-type') ?? '').includes('application/json')) {
          return fail(415, 'Send the request body as JSON (Content-Type: application/json).');
        }
        let raw: unknown;
        try {
          raw = await req.json();
        } catch {
          return fail(400, 'The request body is not valid JSON.');
        }
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          return fail(400, issues.map((i) => i.message).join(' '), issues);
        }
        body = parsed.data;
      }

      const result = await handler({ req, params, orgId: params.orgId, userId: session.user.id, role, body: body as never });
      return result instanceof Response ? result : Response.json(result, { headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      if (error instanceof SpedyError) return fail(error.httpStatus, error.message);
      log.error({ err: error, method: req.method, path: new URL(req.url).pathname }, 'organization route failed');
      return fail(500, 'Something went wrong on our side; nothing was saved. Try again, and check the server log if it keeps happening.');
    }
  };
}
