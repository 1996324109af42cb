'use client';
import { Check } from 'lucide-react';
import { nanoid } from 'nanoid';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { FormDialog } from '@/components/ui/form-dialog';
import { cn } from '@/lib/cn';
import { presetIds, presets, type PresetId } from '@/lib/teams/presets';
import { mutators } from '@/zero/mutators';
import { stepSummary } from './pipeline-summary';
import { newTeamDraft, parseTeamDraft, suggestHandle, type TeamDraft } from './team-draft';
import { TeamFields } from './team-fields';
import { useTeamFormData } from './use-team-form-data';

/** Choose a preset, then name the team and map its statuses; the pipeline is edited on the team's page. */
export function CreateTeamDialog({ trigger }: { trigger: ReactNode }) {
  const id = useId();
  const org = useCurrentOrg();
  const mutate = useMutate();
  const router = useRouter();
  const { handles, statusSuggestions } = useTeamFormData();
  const [preset, setPreset] = useState<PresetId>('code_runner');
  const [draft, setDraft] = useState<TeamDraft>(newTeamDraft);
  const [handleEdited, setHandleEdited] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const effective = handleEdited ? draft : { ...draft, handle: suggestHandle(draft.name) };
  const { fields, errors } = parseTeamDraft(effective, handles, null);

  function reset() {
    setPreset('code_runner');
    setDraft(newTeamDraft());
    setHandleEdited(false);
    setSubmitted(false);
    setError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setSubmitted(true);
    if (!fields) return;
    setPending(true);
    setError(null);
    const teamID = nanoid();
    const failure = await mutate(mutators.team.create({ id: teamID, orgID: org.id, preset, ...fields }));
    setPending(false);
    if (failure) return setError(failure);
    close();
    router.push(`/${org.slug}/settings/teams/${teamID}`);
  }

  return (
    <FormDialog
      trigger={trigger}
      title="Create a runner team"
      description="Start from a preset; you can change every stage of its pipeline afterwards."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel="Create team"
      pendingLabel="Creating…"
      testId="create-team-form"
      className="sm:max-w-3xl"
      formClassName="gap-5"
      noValidate
    >
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-semibold">Pipeline preset</legend>
        <div className="grid gap-2 sm:grid-cols-2" role="radiogroup" aria-label="Pipeline preset">
          {presetIds.map((p) => {
            const selected = preset === p;
            return (
              <label
                key={p}
                data-testid="preset-card"
                data-preset={p}
                className={cn(
                  'relative grid cursor-pointer content-start gap-1 rounded-lg border p-3 text-sm transition-colors hover:bg-muted/40 has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50',
                  selected && 'border-primary bg-muted/60',
                )}
              >
                <input type="radio" name={`${id}-preset`} value={p} checked={selected} onChange={() => setPreset(p)} className="sr-only" />
                <span className="flex items-center justify-between gap-2 font-medium">
                  {presets[p].label}
                  {selected && <Check className="size-4 text-primary" aria-hidden />}
                </span>
                <span className="text-xs text-muted-foreground">{presets[p].description}</span>
                <span className="mt-1 font-mono text-[0.7rem] text-muted-foreground">{stepSummary(presets[p].pipeline())}</span>
              </label>
            );
          })}
        </div>
      </fieldset>
      <TeamFields
        draft={effective}
        onChange={setDraft}
        errors={errors}
        showAllErrors={submitted}
        statusSuggestions={statusSuggestions}
        onHandleEdited={() => setHandleEdited(true)}
      />
    </FormDialog>
  );
}
