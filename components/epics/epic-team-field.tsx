'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useCanSteer } from '@/components/jobs/use-can-steer';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { isActiveEpicRun } from '@/lib/epics/status';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

const projectTeam = 'project-team';

/**
 * An Epic's "Runner team": empty is the project's team (moving the Epic into its working status
 * starts a run); choosing a team starts a run with it. Read-only while a run is active.
 */
export function EpicTeamField({ epic, id }: { epic: { id: string; runnerTeamId: string | null }; id?: string }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const canSteer = useCanSteer();
  const [teams] = useQuery(queries.teams.list({ orgID: org.id }));
  const [run] = useQuery(queries.epics.run({ orgID: org.id, epicTicketID: epic.id }));
  const locked = !canSteer || (run ? isActiveEpicRun(run.status) : false);
  return (
    <Select
      value={epic.runnerTeamId ?? projectTeam}
      disabled={locked}
      onValueChange={(value) => void mutate(mutators.epicRun.setTeam({ ticketID: epic.id, teamID: value === projectTeam ? null : value }))}
    >
      <SelectTrigger id={id} size="sm" className="w-full" data-testid="epic-runner-team" title={locked && run ? 'Read-only while the Epic’s run is active' : undefined}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={projectTeam}>The project’s team</SelectItem>
        {teams.map((team) => (
          <SelectItem key={team.id} value={team.id}>
            {team.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
