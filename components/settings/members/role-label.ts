import { parseRole, roleLevel } from '@/lib/auth/roles';

/** The product has two levels: owners and admins are both "Administrator". */
export function roleLabel(role: string | null | undefined): 'Administrator' | 'Member' {
  return roleLevel(parseRole(role));
}
