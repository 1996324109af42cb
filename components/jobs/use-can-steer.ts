'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { can } from '@/lib/auth/permissions';
import { queries } from '@/zero/queries';

/**
 * Whether the person may steer jobs here (`jobs:steer`: answer, approve, stop, continue,
 * cancel, budgets): live, so withdrawing it from Members hides their controls at once.
 * The server mutators decide again.
 */
export function useCanSteer(): boolean {
  const org = useCurrentOrg();
  const [settings] = useQuery(queries.analytics.settings({ orgID: org.id }));
  return can(org.role, 'jobs:steer', settings);
}
