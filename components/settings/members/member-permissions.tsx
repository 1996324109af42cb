'use client';
import { useQuery } from '@rocicorp/zero/react';
import { toast } from 'sonner';
import { useMutate } from '@/components/shell/use-mutate';
import { Switch } from '@/components/ui/switch';
import { can } from '@/lib/auth/permissions';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

/**
 * What the Member role may do beyond the board: steering jobs (answer, approve, request
 * changes, stop, continue, cancel, set budgets up to the team's ceiling). On by default;
 * administrators may take it from Members. Everyone sees the setting; administrators change it.
 */
export function MemberPermissions({ orgID, canChange }: { orgID: string; canChange: boolean }) {
  const mutate = useMutate();
  const [settings] = useQuery(queries.analytics.settings({ orgID }));
  const membersSteer = can('member', 'jobs:steer', settings);

  async function change(granted: boolean) {
    const failure = await mutate(mutators.organizationSettings.setMemberPermission({ orgID, permission: 'jobs:steer', granted }));
    if (!failure) toast.success(granted ? 'Members can steer jobs again.' : 'Only administrators can steer jobs now.');
  }

  return (
    <section className="grid gap-3 rounded-lg border p-4" aria-labelledby="member-permissions-heading" data-testid="member-permissions">
      <h2 id="member-permissions-heading" className="text-base font-semibold">What Members may do</h2>
      <div className="flex items-start justify-between gap-4">
        <div className="grid gap-1">
          <label htmlFor="members-steer-jobs" className="text-sm font-medium">Steer jobs</label>
          <p className="text-sm text-muted-foreground">
            Answer an agent’s questions, approve plans or request changes, stop, continue and end jobs, and set a job’s budget up to its team’s ceiling.
            Administrators always can.
          </p>
        </div>
        <Switch id="members-steer-jobs" checked={membersSteer} onCheckedChange={(on) => void change(on)} disabled={!canChange} data-testid="members-steer-jobs" />
      </div>
    </section>
  );
}
