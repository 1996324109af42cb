// The roles a person has in an organization (Better Auth's organization plugin stores
// them on the member row). What each role may do is decided in permissions.ts only.

export const roles = ['owner', 'admin', 'member'] as const;
export type Role = (typeof roles)[number];

/** A stored or typed role name as a Role; anything else (a renamed or foreign role) is undefined. */
export function parseRole(value: string | null | undefined): Role | undefined {
  return roles.find((role) => role === value);
}

/** The product has two levels: owners and admins are both "Administrator". */
const roleLevels: ReadonlyMap<Role, 'Administrator' | 'Member'> = new Map([
  ['owner', 'Administrator'],
  ['admin', 'Administrator'],
  ['member', 'Member'],
]);

export function roleLevel(role: Role | undefined): 'Administrator' | 'Member' {
  return (role && roleLevels.get(role)) ?? 'Member';
}

/** A member row's stored role. One this version does not know gets a Member's rights, never more. */
export function memberRole(stored: string): Role {
  return parseRole(stored) ?? 'member';
}
