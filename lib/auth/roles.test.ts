import { describe, expect, it } from 'vitest';
import { memberRole, parseRole, roleLevel } from './roles.ts';

describe('roles', () => {
  it('shows owners and admins as Administrator, everyone else as Member', () => {
    expect(roleLevel(parseRole('owner'))).toBe('Administrator');
    expect(roleLevel(parseRole('admin'))).toBe('Administrator');
    expect(roleLevel(parseRole('member'))).toBe('Member');
    expect(roleLevel(parseRole(null))).toBe('Member');
  });

  it('gives a stored role it does not know, or a prototype name, a Member’s rights', () => {
    for (const stored of ['superuser', '__proto__', 'constructor', 'toString']) {
      expect(parseRole(stored)).toBeUndefined();
      expect(memberRole(stored)).toBe('member');
    }
  });
});
