// The one owner of "which role may do what" beyond plain membership. Routes, Zero
// mutators and Zero queries ask `can` / `assertPermission`; the UI asks `can` only to
// decide what to show (the server decides again). No React and no server-only imports:
// the shared mutators run in the browser too.
import { assertMember, ErrorCode, SpedyError, type Role, type ZeroContext } from '../../zero/context.ts';

export const permissions = ['runners:manage', 'runners:manage-secrets', 'integrations:manage', 'teams:manage'] as const;
export type Permission = (typeof permissions)[number];

/** What a refused person is told they cannot do: "Only administrators can <action>." */
const actionOf: Record<Permission, string> = {
  'runners:manage': 'manage runners, runner tokens and jobs',
  'runners:manage-secrets': 'manage runner secrets',
  'integrations:manage': 'manage git integrations',
  'teams:manage': 'manage runner teams, skills, MCP servers and Build & Validate settings',
};

// Administrators have every permission by default; Members have none of these.
const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  admin: permissions,
  member: [],
};

export function can(role: Role | undefined, permission: Permission): boolean {
  return role ? rolePermissions[role].includes(permission) : false;
}

/** The message for a member without `permission` (also used by the pages that hide the controls). */
export function permissionDeniedMessage(permission: Permission): string {
  return `Only administrators can ${actionOf[permission]}.`;
}

/**
 * Not a member → "Organization not found." (never reveals that it exists);
 * a member without the permission → a forbidden error naming what they cannot do.
 */
export function assertPermission(ctx: ZeroContext | undefined, orgID: string, permission: Permission): Role {
  const role = assertMember(ctx, orgID);
  if (!can(role, permission)) throw new SpedyError(ErrorCode.forbidden, permissionDeniedMessage(permission));
  return role;
}

/** For query transforms: the org id when the caller holds one of `anyOf`, else '' (which matches no row). */
export function orgIfPermitted(ctx: ZeroContext | undefined, orgID: string, ...anyOf: Permission[]): string {
  const role = ctx?.orgs[orgID];
  return anyOf.some((p) => can(role, p)) ? orgID : '';
}
