import { isAdministrator, roles } from '@/zero/context';

/** The product has two levels: owners and admins are both "Administrator". */
export function roleLabel(role: string | null | undefined): 'Administrator' | 'Member' {
  return isAdministrator(roles.find((r) => r === role)) ? 'Administrator' : 'Member';
}
