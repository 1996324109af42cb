'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ArrowRight, Plus, Workflow } from 'lucide-react';
import Link from 'next/link';
import { AdminOnly } from '@/components/settings/admin-only';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ListSkeleton } from '@/components/ui/list-skeleton';
import { EmptyState } from '@/components/ui/empty-state';
import { can } from '@/lib/auth/permissions';
import { presets, type PresetId } from '@/lib/teams/presets';
import { queries } from '@/zero/queries';
import { CreateTeamDialog } from './create-team-dialog';
import { stageCounts } from './pipeline-summary';
import { SettingsPage } from './settings-page';
import { SettingsTable } from '@/components/settings/settings-table';

export const presetLabel = (preset: string) => presets[preset as PresetId]?.label ?? preset;

export function TeamsPageClient() {
  const org = useCurrentOrg();
  const [teams, { type }] = useQuery(queries.teams.list({ orgID: org.id }));
  const createButton = (
    <Button>
      <Plus aria-hidden /> Create team
    </Button>
  );

  return (
    <SettingsPage
      title="Runner Teams"
      description="How runners work your tickets: each team has its status mappings, a pipeline of stages, a default budget and an @handle."
      action={can(org.role, 'teams:manage') ? <CreateTeamDialog trigger={createButton} /> : undefined}
    >
      {!can(org.role, 'teams:manage') ? (
        <AdminOnly permission="teams:manage" />
      ) : teams.length === 0 && type !== 'complete' ? (
        <ListSkeleton label="Loading runner teams" rowClassName="h-14" />
      ) : teams.length === 0 ? (
        <EmptyState
          icon={Workflow}
          title="No runner teams yet"
          description="Create one from a preset: Code Runner plans, codes and reviews; Board Agent answers on the board."
          action={<CreateTeamDialog trigger={createButton} />}
          data-testid="teams-empty"
        />
      ) : (
        <SettingsTable caption="Runner teams" columns={['Team', 'Preset', 'Statuses', 'Stages']} actionsLabel="Open">
          {teams.map((team) => {
            const counts = stageCounts(team.pipeline);
            return (
              <tr key={team.id} data-testid="team-row" data-team={team.name} className="hover:bg-muted/30">
                <td className="px-3 py-2.5">
                  <Link href={`/${org.slug}/settings/teams/${team.id}`} className="font-medium hover:underline">
                    {team.name}
                  </Link>
                  <div className="font-mono text-xs text-muted-foreground">@{team.handle}</div>
                </td>
                <td className="px-3 py-2.5">
                  <Badge variant="outline" data-testid="team-preset">
                    {presetLabel(team.preset)}
                  </Badge>
                </td>
                <td className="px-3 py-2.5 text-xs" data-testid="team-statuses">
                  <span className="font-medium">{team.workingStatus}</span>
                  <span className="text-muted-foreground"> → {team.completionStatus}</span>
                  <div className="text-muted-foreground">on failure: {team.failureStatus}</div>
                </td>
                <td className="px-3 py-2.5 tabular-nums" data-testid="team-stage-count">
                  {counts.enabled === counts.total ? counts.total : `${counts.enabled} of ${counts.total}`}
                </td>
                <td className="px-3 py-2.5 text-right">
                  <Button asChild variant="ghost" size="sm">
                    <Link href={`/${org.slug}/settings/teams/${team.id}`} aria-label={`Edit ${team.name}`}>
                      Edit <ArrowRight aria-hidden />
                    </Link>
                  </Button>
                </td>
              </tr>
            );
          })}
        </SettingsTable>
      )}
    </SettingsPage>
  );
}
