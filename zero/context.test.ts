import { asQueryInternals } from '@rocicorp/zero/bindings';
import { describe, expect, it } from 'vitest';
import type { ZeroContext } from '../lib/auth/context.ts';
import { scopeToOrg } from './context.ts';
import { zql } from './schema.gen.ts';

/** The organization id a scoped query filters on ('' matches no row). */
function scopedOrg(ctx: ZeroContext | undefined, orgID: string): unknown {
  const where = asQueryInternals(scopeToOrg(zql.ticket, ctx, orgID)).ast.where;
  return where?.type === 'simple' && where.right.type === 'literal' ? where.right.value : where;
}

describe('scopeToOrg', () => {
  const member: ZeroContext = { userID: 'u', orgs: { org1: 'member' } };

  it('scopes to an organization the caller belongs to', () => {
    expect(scopedOrg(member, 'org1')).toBe('org1');
  });

  it('matches no row for another organization or a caller without a session', () => {
    expect(scopedOrg(member, 'org2')).toBe('');
    expect(scopedOrg(undefined, 'org1')).toBe('');
  });

  it('matches no row for ids that name members of Object.prototype', () => {
    for (const orgID of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(scopedOrg(member, orgID)).toBe('');
  });
});
