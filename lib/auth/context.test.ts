import { SpedyError } from '@spedy/protocol/errors';
import { describe, expect, it } from 'vitest';
import { assertMember, roleIn, type ZeroContext } from './context.ts';

const member: ZeroContext = { userID: 'u', orgs: { org1: 'member' } };
const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('membership', () => {
  it('gives the caller’s role in an organization they belong to', () => {
    expect(assertMember(member, 'org1')).toBe('member');
    expect(roleIn(member, 'org1')).toBe('member');
  });

  it('answers "not found" for an organization the caller does not belong to, and asks a caller without a session to sign in', () => {
    expect(() => assertMember(member, 'org2', 'Project')).toThrow('Project not found.');
    expect(() => assertMember(undefined, 'org1')).toThrow('Sign in to continue.');
    expect(() => assertMember({ userID: '', orgs: { org1: 'owner' } }, 'org1')).toThrow(SpedyError);
  });

  it('refuses ids that name members of Object.prototype', () => {
    for (const orgID of prototypeNames) {
      expect(roleIn(member, orgID)).toBeUndefined();
      expect(() => assertMember(member, orgID)).toThrow('Organization not found.');
    }
  });
});
