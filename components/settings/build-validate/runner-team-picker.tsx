'use client';
import { useQuery } from '@rocicorp/zero/react';
import Link from 'next/link';
import { useId } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

const noTeam = 'none';
const triggerLabels = {
  auto: 'Automatic: moving a ticket into the working status creates a job',
  off: 'Off: only @mentions and manual jobs',
} as const;
type Trigger = keyof typeof triggerLabels;

/** Which runner team works this project's tickets, and whether status moves trigger it. */
export function RunnerTeamPicker({ project }: { project: { id: string; statuses: readonly { name: string }[] } }) {
  const id = useId();
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [teams] = useQuery(queries.teams.list({ orgID: org.id }));
  const [config] = useQuery(queries.teams.projectRunnerConfig({ orgID: org.id, projectID: project.id }));
  const teamID = config?.teamId ?? null;
  const trigger: Trigger = config?.triggerOnStatus ?? 'auto';
  const team = teams.find((t) => t.id === teamID);
  const set = (next: { teamID: string | null; triggerOnStatus: Trigger }) => mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, ...next }));
  const missing = team ? [team.workingStatus, team.completionStatus, team.failureStatus].filter((s) => !project.statuses.some((p) => p.name === s)) : [];

  return (
    <section className="grid gap-4 rounded-lg border bg-card p-5" aria-labelledby={`${id}-title`} data-testid="runner-team-picker">
      <div>
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Runner team
        </h2>
        <p className="text-sm text-muted-foreground">The team whose runners pick up this project&apos;s tickets.</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-team`}>Team</Label>
          <Select value={teamID ?? noTeam} onValueChange={(v) => set({ teamID: v === noTeam ? null : v, triggerOnStatus: trigger })}>
            <SelectTrigger id={`${id}-team`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={noTeam}>No runner team</SelectItem>
              {teams.map((t) => (
                <SelectItem key={t.id} value={t.id}>
                  {t.name} (@{t.handle})
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          {teams.length === 0 && (
            <p className="text-xs text-muted-foreground">
              No runner teams yet. <Link className="underline" href={`/${org.slug}/settings/teams`}>Create one under Runner Teams</Link>.
            </p>
          )}
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-trigger`}>Trigger</Label>
          <Select value={trigger} onValueChange={(v) => set({ teamID, triggerOnStatus: v === 'off' ? 'off' : 'auto' })} disabled={!teamID}>
            <SelectTrigger id={`${id}-trigger`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {(Object.keys(triggerLabels) as Trigger[]).map((t) => (
                <SelectItem key={t} value={t}>
                  {triggerLabels[t]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>
      {team && (
        <p className="text-sm text-muted-foreground" data-testid="runner-team-summary">
          Tickets moved to <strong className="text-foreground">{team.workingStatus}</strong> {trigger === 'auto' ? 'start' : 'do not start'} a job; they move to{' '}
          <strong className="text-foreground">{team.completionStatus}</strong> when it succeeds and to <strong className="text-foreground">{team.failureStatus}</strong> when it
          fails.
        </p>
      )}
      {missing.length > 0 && (
        <p className="text-sm text-warning" role="status">
          This project has no column named {missing.map((m) => `“${m}”`).join(', ')}. Add it on the board, or change the team&apos;s status mappings.
        </p>
      )}
    </section>
  );
}
