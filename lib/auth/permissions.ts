// The one owner of "which role may do what" beyond plain membership. Routes, Zero
// mutators and Zero queries ask `can` / `assertPermission`; the UI asks `can` only to
// decide what to show (the server decides again). No React and no server-only imports:
// the shared mutators run in the browser too.
import { SpedyError } from '@spedy/protocol/errors';
import { assertMember, roleIn, type ZeroContext } from './context.ts';
import type { Role } from './roles.ts';

export const permissions = [
  'runners:manage',
  'runners:manage-secrets',
  'integrations:manage',
  'teams:manage',
  'projects:create',
  'columns:manage',
  'members:invite',
  'organization:manage',
  'costs:view',
  'jobs:steer',
] as const;
export type Permission = (typeof permissions)[number];

/** What an organization may take from its Member role (Settings → Members); Administrators keep everything. */
export const withdrawablePermissions = ['jobs:steer'] as const satisfies readonly Permission[];

/** An organization's changes to the default roles (organization_settings); null or absent: the defaults. */
export type RolePolicy = { withdrawnMemberPermissions: readonly string[] | null };

/** What a refused person is told they cannot do: "Only administrators can <action>." */
const actionOf: Record<Permission, string> = {
  'runners:manage': 'manage runners, runner tokens and jobs',
  'runners:manage-secrets': 'manage runner secrets',
  'integrations:manage': 'manage git integrations',
  'teams:manage': 'manage runner teams, skills, MCP servers and Build & Validate settings',
  'projects:create': 'create projects',
  'columns:manage': 'change status columns',
  'members:invite': 'invite people and see pending invitations',
  'organization:manage': 'change the organization’s settings, such as its time zone',
  'costs:view': 'see the organization cost summary',
  'jobs:steer': 'steer jobs here (answer, approve, request changes, stop, continue, cancel and set budgets)',
};

// Administrators have every permission by default; Members steer jobs unless their
// organization withdrew it. A Map, so that a role name read from elsewhere never finds
// Object.prototype's members.
const rolePermissions: ReadonlyMap<Role, ReadonlySet<Permission>> = new Map([
  ['owner', new Set(permissions)],
  ['admin', new Set(permissions)],
  ['member', new Set<Permission>(['jobs:steer'])],
]);

/** `policy`: the organization's withdrawals from the Member role, for the permissions that can be withdrawn. */
export function can(role: Role | undefined, permission: Permission, policy?: RolePolicy | null): boolean {
  if (!role) return false;
  if (role === 'member' && policy?.withdrawnMemberPermissions?.includes(permission)) return false;
  return rolePermissions.get(role)?.has(permission) ?? false;
}

/** The message for a member without `permission` (also used by the pages that hide the controls). */
export function permissionDeniedMessage(permission: Permission): string {
  return `Only administrators can ${actionOf[permission]}.`;
}

/**
 * Not a member → "Organization not found." (never reveals that it exists);
 * a member without the permission → a forbidden error naming what they cannot do.
 */
export function assertPermission(ctx: ZeroContext | undefined, orgID: string, permission: Permission, policy?: RolePolicy | null): Role {
  const role = assertMember(ctx, orgID);
  if (!can(role, permission, policy)) throw new SpedyError('forbidden', permissionDeniedMessage(permission));
  return role;
}

/** For query transforms: the org id when the caller holds one of `anyOf`, else '' (which matches no row). */
export function orgIfPermitted(ctx: ZeroContext | undefined, orgID: string, ...anyOf: Permission[]): string {
  const role = roleIn(ctx, orgID);
  return anyOf.some((p) => can(role, p)) ? orgID : '';
}
