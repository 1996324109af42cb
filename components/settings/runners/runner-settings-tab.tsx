'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Skeleton } from '@/components/ui/skeleton';
import { Switch } from '@/components/ui/switch';
import { defaultRunnerSettings, offlineTimeoutLimits, runnerSettingsInput, type RunnerSettings } from '@/lib/settings/runner-settings';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

export function RunnerSettingsTab() {
  const org = useCurrentOrg();
  const [row, { type }] = useQuery(queries.runners.settings({ orgID: org.id }));
  if (!row && type !== 'complete') return <Skeleton className="h-48" aria-label="Loading settings" />;
  const saved: RunnerSettings = row
    ? { offlineTimeoutSeconds: row.offlineTimeoutSeconds, autoCreateJobs: row.autoCreateJobs, retriggerOnReview: row.retriggerOnReview }
    : { ...defaultRunnerSettings };
  return <SettingsForm orgID={org.id} saved={saved} />;
}

function SettingsForm({ orgID, saved }: { orgID: string; saved: RunnerSettings }) {
  const id = useId();
  const mutate = useMutate();
  const [draft, setDraft] = useState({ ...saved, offlineTimeoutSeconds: String(saved.offlineTimeoutSeconds) });
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Another administrator's change shows up live, unless this person is editing.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `saved` is a new object on every render; its fields say when it really changed.
  useEffect(() => {
    if (!dirty) setDraft({ ...saved, offlineTimeoutSeconds: String(saved.offlineTimeoutSeconds) });
  }, [saved.offlineTimeoutSeconds, saved.autoCreateJobs, saved.retriggerOnReview, dirty]);

  function change(patch: Partial<typeof draft>) {
    setDraft((d) => ({ ...d, ...patch }));
    setDirty(true);
    setError(null);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = runnerSettingsInput.safeParse({ ...draft, offlineTimeoutSeconds: Number(draft.offlineTimeoutSeconds) });
    if (!parsed.success) return setError(parsed.error.issues[0].message);
    const failure = await mutate(mutators.runnerSettings.update({ orgID, ...parsed.data }));
    if (failure) return setError(failure);
    setDirty(false);
    toast.success('Runner settings saved.');
  }

  return (
    <form onSubmit={onSubmit} noValidate className="grid max-w-2xl gap-6" data-testid="runner-settings-form" aria-labelledby={`${id}-title`}>
      <div className="grid gap-1">
        <h2 id={`${id}-title`} className="font-semibold">
          Runner behaviour
        </h2>
        <p className="text-sm text-muted-foreground">For every runner of this organization.</p>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-timeout`}>Offline timeout (seconds)</Label>
        <Input
          id={`${id}-timeout`}
          type="number"
          inputMode="numeric"
          min={offlineTimeoutLimits.min}
          max={offlineTimeoutLimits.max}
          value={draft.offlineTimeoutSeconds}
          onChange={(e) => change({ offlineTimeoutSeconds: e.target.value })}
          className="w-40"
          aria-describedby={`${id}-timeout-hint`}
        />
        <p id={`${id}-timeout-hint`} className="text-xs text-muted-foreground">
          A runner without a heartbeat for this long turns Offline and its active jobs are marked Failed. Between {offlineTimeoutLimits.min} and{' '}
          {offlineTimeoutLimits.max} seconds; the default is {defaultRunnerSettings.offlineTimeoutSeconds}.
        </p>
      </div>
      <div className="flex items-start justify-between gap-6">
        <div className="grid gap-1">
          <Label htmlFor={`${id}-auto`}>Auto-create jobs</Label>
          <p className="text-xs text-muted-foreground">Create a job when a ticket reaches a runner team&apos;s working status.</p>
        </div>
        <Switch id={`${id}-auto`} checked={draft.autoCreateJobs} onCheckedChange={(v) => change({ autoCreateJobs: v })} />
      </div>
      <div className="flex items-start justify-between gap-6">
        <div className="grid gap-1">
          <Label htmlFor={`${id}-retrigger`}>Retrigger on review</Label>
          <p className="text-xs text-muted-foreground">
            When a reviewer requests changes on a runner&apos;s pull request, start a follow-up job (at most one per pull request per hour).
          </p>
        </div>
        <Switch id={`${id}-retrigger`} checked={draft.retriggerOnReview} onCheckedChange={(v) => change({ retriggerOnReview: v })} />
      </div>
      <FormError>{error}</FormError>
      <div className="flex gap-2">
        <Button type="submit" disabled={!dirty}>
          Save settings
        </Button>
        {dirty && (
          <Button type="button" variant="ghost" onClick={() => setDirty(false)}>
            Discard changes
          </Button>
        )}
      </div>
    </form>
  );
}
