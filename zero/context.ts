// Zero's side of "who is asking": the context type is registered with Zero here, and the
// query permission transform lives here because it needs the generated schema. The
// context itself, roles, membership and permissions live in lib/auth/.
import type { Query } from '@rocicorp/zero';
import { roleIn, type ZeroContext } from '../lib/auth/context.ts';
import type { Schema } from './schema.gen.ts';

declare module '@rocicorp/zero' {
  interface DefaultTypes {
    context: ZeroContext;
  }
}

type OrgScopedTable = { [T in keyof Schema['tables']]: 'organizationId' extends keyof Schema['tables'][T]['columns'] ? T : never }[keyof Schema['tables']];

/** The permission transform every query goes through: rows of orgs the caller belongs to only. */
export function scopeToOrg<T extends OrgScopedTable, R>(
  q: Query<T, Schema, R>,
  ctx: ZeroContext | undefined,
  orgID: string,
): Query<T, Schema, R> {
  const allowed = roleIn(ctx, orgID) ? orgID : '';
  // Every org-scoped table has organizationId; the generic view of the builder cannot see that.
  return (q as unknown as Query<'ticket', Schema, R>).where('organizationId', allowed) as unknown as Query<T, Schema, R>;
}
