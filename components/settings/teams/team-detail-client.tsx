'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ArrowLeft, SearchX, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { AdminOnly } from '@/components/settings/admin-only';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FormError } from '@/components/ui/form-error';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs, tabPanelProps } from '@/components/ui/tabs';
import { can } from '@/lib/auth/permissions';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';
import type { RunnerTeam } from '@/zero/schema.gen';
import { AllowedHostsSection } from './allowed-hosts-section';
import { PipelineEditor } from './pipeline-editor';
import { SettingsPage } from './settings-page';
import { draftOf, parseTeamDraft, type TeamDraft } from './team-draft';
import { TeamFields } from './team-fields';
import { presetLabel } from './teams-page-client';
import { useTeamFormData } from './use-team-form-data';

function TeamDetailsForm({ team }: { team: RunnerTeam }) {
  const mutate = useMutate();
  const { handles, statusSuggestions } = useTeamFormData();
  // null: showing the saved team (and following live changes).
  const [draft, setDraft] = useState<TeamDraft | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = draft ?? draftOf(team);
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(draftOf(team));
  const { fields, errors } = parseTeamDraft(shown, handles, team.id);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!fields || !dirty) return;
    setPending(true);
    setError(null);
    const failure = await mutate(mutators.team.update({ id: team.id, ...fields }));
    setPending(false);
    if (failure) return setError(failure);
    toast.success(`${fields.name} saved.`);
    setDraft(null);
    setSubmitted(false);
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-5 rounded-lg border bg-card p-5" aria-labelledby="team-details-title" data-testid="team-details-form" noValidate>
      <h2 id="team-details-title" className="text-lg font-semibold">
        Team settings
      </h2>
      <TeamFields draft={shown} onChange={setDraft} errors={errors} showAllErrors={submitted} statusSuggestions={statusSuggestions} />
      <FormError>{error}</FormError>
      <div className="flex justify-end gap-2">
        <Button
          type="button"
          variant="outline"
          disabled={!dirty || pending}
          onClick={() => {
            setDraft(null);
            setSubmitted(false);
            setError(null);
          }}
        >
          Discard
        </Button>
        <Button type="submit" disabled={!dirty || pending}>
          {pending ? 'Saving…' : 'Save team settings'}
        </Button>
      </div>
    </form>
  );
}

const detailTabs = [
  { value: 'pipeline', label: 'Pipeline' },
  { value: 'settings', label: 'Team settings' },
] as const;
type DetailTab = (typeof detailTabs)[number]['value'];
const idBase = 'runner-team';

export function TeamDetailClient({ teamID }: { teamID: string }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const router = useRouter();
  const params = useSearchParams();
  const tab: DetailTab = params.get('tab') === 'settings' ? 'settings' : 'pipeline';
  function show(next: DetailTab) {
    // Next.js keeps useSearchParams in step with the History API, without a server round trip.
    window.history.replaceState(null, '', next === 'settings' ? '?tab=settings' : window.location.pathname);
  }
  const [team, { type }] = useQuery(queries.teams.byId({ orgID: org.id, id: teamID }));
  const back = (
    <Link href={`/${org.slug}/settings/teams`} className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ArrowLeft className="size-4" aria-hidden /> Runner Teams
    </Link>
  );

  if (!can(org.role, 'teams:manage')) {
    return (
      <SettingsPage title="Runner team" back={back}>
        <AdminOnly permission="teams:manage" />
      </SettingsPage>
    );
  }
  if (!team) {
    return (
      <SettingsPage title={type === 'complete' ? 'Runner team not found' : 'Runner team'} back={back}>
        {type === 'complete' ? (
          <EmptyState icon={SearchX} title="This runner team does not exist" description="It may have been deleted." />
        ) : (
          <div className="grid gap-3" aria-busy="true" aria-label="Loading the runner team">
            <Skeleton className="h-64" />
            <Skeleton className="h-96" />
          </div>
        )}
      </SettingsPage>
    );
  }

  return (
    <SettingsPage
      title={<span data-testid="team-name">{team.name}</span>}
      back={back}
      description={
        <span className="flex flex-wrap items-center gap-2">
          <span className="font-mono">@{team.handle}</span>
          <Badge variant="outline">{presetLabel(team.preset)}</Badge>
          {team.description}
        </span>
      }
      action={
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm">
              <Trash2 aria-hidden /> Delete team
            </Button>
          }
          title={`Delete ${team.name}?`}
          description={`Projects that use it are left without a runner team and @${team.handle} is freed. Jobs already created keep running.`}
          confirmLabel="Delete team"
          onConfirm={async () => {
            const failure = await mutate(mutators.team.delete({ id: team.id }));
            if (!failure) router.push(`/${org.slug}/settings/teams`);
          }}
        />
      }
    >
      <Tabs tabs={detailTabs} value={tab} onValueChange={show} idBase={idBase} aria-label="Runner team" />
      <div {...tabPanelProps(idBase, tab)} className="grid gap-6 outline-none">
        {tab === 'settings' ? (
          <>
            <TeamDetailsForm team={team} />
            <AllowedHostsSection team={team} />
          </>
        ) : (
          <PipelineEditor team={team} />
        )}
      </div>
    </SettingsPage>
  );
}
