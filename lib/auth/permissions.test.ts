import { describe, expect, it } from 'vitest';
import { SpedyError } from '@spedy/protocol/errors';
import { assertPermission, can, orgIfPermitted, permissions } from './permissions.ts';

describe('permissions', () => {
  it('gives Administrators every permission and Members only steering jobs', () => {
    for (const p of permissions) {
      expect(can('owner', p)).toBe(true);
      expect(can('admin', p)).toBe(true);
      expect(can('member', p)).toBe(p === 'jobs:steer');
      expect(can(undefined, p)).toBe(false);
    }
  });

  it('takes steering from Members of an organization that withdrew it, never from Administrators', () => {
    const withdrawn = { withdrawnMemberPermissions: ['jobs:steer'] };
    expect(can('member', 'jobs:steer', withdrawn)).toBe(false);
    expect(can('member', 'jobs:steer', { withdrawnMemberPermissions: [] })).toBe(true);
    expect(can('member', 'jobs:steer', null)).toBe(true);
    expect(can('admin', 'jobs:steer', withdrawn)).toBe(true);
    expect(can('owner', 'jobs:steer', withdrawn)).toBe(true);
    const member = { userID: 'u', orgs: { org1: 'member' as const } };
    expect(() => assertPermission(member, 'org1', 'jobs:steer', withdrawn)).toThrow(
      'Only administrators can steer jobs here (answer, approve, request changes, stop, continue, cancel and set budgets).',
    );
    expect(assertPermission(member, 'org1', 'jobs:steer')).toBe('member');
  });

  it('tells a Member what they cannot do, and an outsider only that the organization was not found', () => {
    const member = { userID: 'u', orgs: { org1: 'member' as const } };
    expect(() => assertPermission(member, 'org1', 'runners:manage-secrets')).toThrow('Only administrators can manage runner secrets.');
    expect(() => assertPermission(member, 'org2', 'runners:manage-secrets')).toThrow('Organization not found.');
    expect(() => assertPermission(undefined, 'org1', 'runners:manage')).toThrow(SpedyError);
    expect(assertPermission({ userID: 'u', orgs: { org1: 'admin' } }, 'org1', 'integrations:manage')).toBe('admin');
  });

  it('scopes queries to nothing for callers without the permission', () => {
    expect(orgIfPermitted({ userID: 'u', orgs: { org1: 'member' } }, 'org1', 'runners:manage')).toBe('');
    expect(orgIfPermitted({ userID: 'u', orgs: { org1: 'owner' } }, 'org1', 'runners:manage')).toBe('org1');
    expect(orgIfPermitted({ userID: 'u', orgs: {} }, 'org1', 'runners:manage', 'integrations:manage')).toBe('');
  });

  it('refuses ids that name members of Object.prototype, and roles it does not know', () => {
    const owner = { userID: 'u', orgs: { org1: 'owner' as const } };
    for (const orgID of ['__proto__', 'constructor', 'toString']) {
      expect(() => assertPermission(owner, orgID, 'runners:manage')).toThrow('Organization not found.');
      expect(orgIfPermitted(owner, orgID, 'runners:manage')).toBe('');
    }
    expect(can(undefined, 'projects:create')).toBe(false);
  });

  it('names the administrators-only actions of projects, columns and invitations', () => {
    const member = { userID: 'u', orgs: { org1: 'member' as const } };
    expect(() => assertPermission(member, 'org1', 'projects:create')).toThrow('Only administrators can create projects.');
    expect(() => assertPermission(member, 'org1', 'columns:manage')).toThrow('Only administrators can change status columns.');
    expect(orgIfPermitted(member, 'org1', 'members:invite')).toBe('');
    expect(orgIfPermitted({ userID: 'u', orgs: { org1: 'admin' } }, 'org1', 'members:invite')).toBe('org1');
  });
});
