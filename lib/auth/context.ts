// Who is asking, and whether they belong to an organization. The server derives the
// context from the session on every request (session.ts); Zero passes it to every query
// and mutator (zero/ declares it as Zero's context type), and the organization routes
// use it too. No server-only imports: the shared mutators run in the browser as well.
import { SpedyError } from '@spedy/protocol/errors';
import type { Role } from './roles.ts';

export type ZeroContext = {
  userID: string;
  /** organization id → the caller's role there (read with `roleIn`, never by indexing) */
  orgs: Record<string, Role>;
};

/**
 * The caller's role in `orgID`, or undefined. Own properties only: an id such as
 * `__proto__` or `constructor` must not find Object.prototype's members.
 */
export function roleIn(ctx: ZeroContext | undefined, orgID: string): Role | undefined {
  return ctx && Object.hasOwn(ctx.orgs, orgID) ? ctx.orgs[orgID] : undefined;
}

/** Throws "not found" (never "forbidden") so callers cannot probe other organizations. */
export function assertMember(ctx: ZeroContext | undefined, orgID: string, what = 'Organization'): Role {
  if (!ctx?.userID) throw new SpedyError('unauthenticated', 'Sign in to continue.');
  const role = roleIn(ctx, orgID);
  if (!role) throw new SpedyError('notFound', `${what} not found.`);
  return role;
}
