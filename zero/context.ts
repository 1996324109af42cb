import type { Query } from '@rocicorp/zero';
import type { Schema } from './schema.gen.ts';

export const roles = ['owner', 'admin', 'member'] as const;
export type Role = (typeof roles)[number];

/** Who is asking: derived on the server from the session on every request. */
export type ZeroContext = {
  userID: string;
  /** organization id → the caller's role there */
  orgs: Record<string, Role>;
};

declare module '@rocicorp/zero' {
  interface DefaultTypes {
    context: ZeroContext;
  }
}

export const ErrorCode = {
  notSignedIn: 'not-signed-in',
  notFound: 'not-found',
  forbidden: 'forbidden',
  invalid: 'invalid',
  conflict: 'conflict',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one error class mutators throw; its message is safe to show a person. */
export class SpedyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SpedyError';
  }
}

export function isAdministrator(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Throws "not found" (never "forbidden") so callers cannot probe other organizations. */
export function assertMember(ctx: ZeroContext | undefined, orgID: string, what = 'Organization'): Role {
  if (!ctx?.userID) throw new SpedyError(ErrorCode.notSignedIn, 'Sign in to continue.');
  const role = ctx.orgs[orgID];
  if (!role) throw new SpedyError(ErrorCode.notFound, `${what} not found.`);
  return role;
}

export function assertAdministrator(ctx: ZeroContext | undefined, orgID: string, action: string): void {
  const role = assertMember(ctx, orgID);
  if (!isAdministrator(role)) {
    throw new SpedyError(ErrorCode.forbidden, `Only administrators can ${action}.`);
  }
}

type OrgScopedTable = { [T in keyof Schema['tables']]: 'organizationId' extends keyof Schema['tables'][T]['columns'] ? T : never }[keyof Schema['tables']];

/** The permission transform every query goes through: rows of orgs the caller belongs to only. */
export function scopeToOrg<T extends OrgScopedTable, R>(
  q: Query<T, Schema, R>,
  ctx: ZeroContext | undefined,
  orgID: string,
): Query<T, Schema, R> {
  const allowed = ctx?.orgs[orgID] ? orgID : '';
  // Every org-scoped table has organizationId; the generic view of the builder cannot see that.
  return (q as unknown as Query<'ticket', Schema, R>).where('organizationId', allowed) as unknown as Query<T, Schema, R>;
}
