'use client';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { toast } from 'sonner';
import { FormDialog } from '@/components/ui/form-dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/cn';
import { anthropicEnvName, envVarName, maxSecretValueLength } from '@/lib/secrets/entry-input';
import { useOrgApi } from '../use-org-api';

type Preset = 'anthropic' | 'custom';

/** An existing entry to rotate; without it the dialog adds a new one. */
export type RotateTarget = { name: string; kind: Preset };

/**
 * Add or rotate a secret. The value field is never pre-filled and is cleared as soon as
 * the dialog closes: after saving, nothing in the browser holds the value any more.
 */
export function SecretDialog({ trigger, rotate }: { trigger: ReactNode; rotate?: RotateTarget }) {
  const id = useId();
  const api = useOrgApi();
  const [preset, setPreset] = useState<Preset>(rotate?.kind ?? 'anthropic');
  const [name, setName] = useState(rotate?.name ?? '');
  const [nameTouched, setNameTouched] = useState(false);
  const [value, setValue] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  const customName = name.trim().toUpperCase();
  // The server's own rule and message, checked as the person types.
  const localNameProblem = preset === 'custom' && !rotate && nameTouched ? (envVarName.safeParse(customName).error?.issues[0]?.message ?? null) : null;
  const shownNameError = localNameProblem ?? nameError;

  function reset() {
    setPreset(rotate?.kind ?? 'anthropic');
    setName(rotate?.name ?? '');
    setNameTouched(false);
    setValue('');
    setError(null);
    setNameError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setNameTouched(true);
    if (preset === 'custom' && !rotate && !envVarName.safeParse(customName).success) return;
    setPending(true);
    setError(null);
    setNameError(null);
    const body = preset === 'anthropic' ? { preset, value } : { preset, name: rotate?.name ?? customName, value };
    const result = await api<{ entry: { name: string; rotated: boolean } }>('PUT', 'secrets', body);
    setPending(false);
    if (!result.ok) {
      const nameIssue = result.issues.find((i) => i.path === 'name');
      if (nameIssue) setNameError(nameIssue.message);
      return setError(result.issues.filter((i) => i.path !== 'name').map((i) => i.message).join(' ') || (nameIssue ? null : result.error));
    }
    toast.success(result.data.entry.rotated ? `${result.data.entry.name} rotated. Runners pick it up within 15 minutes.` : `${result.data.entry.name} saved.`);
    close();
  }

  const shownName = preset === 'anthropic' ? anthropicEnvName : (rotate?.name ?? customName);

  return (
    <FormDialog
      trigger={trigger}
      title={rotate ? `Rotate ${rotate.name}` : 'Add a secret'}
      description={
        rotate
          ? 'Paste the new value. The old one is replaced; Spedy never shows either.'
          : 'Encrypted before it is stored. Nobody can read the value back here, administrators included.'
      }
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel={rotate ? 'Rotate' : 'Save secret'}
      pendingLabel="Saving…"
      testId="secret-form"
      autoComplete="off"
    >
      {!rotate && (
        <fieldset className="grid gap-1.5">
          <legend className="mb-1.5 text-sm font-medium">Preset</legend>
          <div className="grid grid-cols-2 gap-2" role="radiogroup" aria-label="Preset">
            {(
              [
                { value: 'anthropic', title: 'Anthropic (Claude)', hint: anthropicEnvName },
                { value: 'custom', title: 'Custom', hint: 'Any env var your jobs need' },
              ] as const
            ).map((p) => (
              <label
                key={p.value}
                className={cn(
                  'grid cursor-pointer gap-0.5 rounded-md border p-3 text-sm has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50',
                  preset === p.value && 'border-primary bg-muted/60',
                )}
              >
                <input type="radio" name={`${id}-preset`} value={p.value} checked={preset === p.value} onChange={() => setPreset(p.value)} className="sr-only" />
                <span className="font-medium">{p.title}</span>
                <span className="text-xs text-muted-foreground">{p.hint}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {preset === 'custom' && !rotate && (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-name`}>Environment variable name</Label>
          <Input
            id={`${id}-name`}
            value={name}
            onChange={(e) => {
              setName(e.target.value.toUpperCase());
              setNameError(null);
            }}
            onBlur={() => setNameTouched(true)}
            placeholder="NPM_TOKEN"
            maxLength={64}
            className="font-mono"
            aria-invalid={shownNameError ? true : undefined}
            aria-describedby={`${id}-name-error`}
            autoFocus
            spellCheck={false}
          />
          <FormError id={`${id}-name-error`}>{shownNameError}</FormError>
        </div>
      )}
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-value`}>{preset === 'anthropic' ? 'API key' : `Value of ${shownName || 'the variable'}`}</Label>
        {preset === 'anthropic' ? (
          <Input
            id={`${id}-value`}
            type="password"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="sk-ant-…"
            autoComplete="off"
            spellCheck={false}
            required
            autoFocus={!!rotate || preset === 'anthropic'}
          />
        ) : (
          <Textarea
            id={`${id}-value`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            maxLength={maxSecretValueLength}
            rows={3}
            autoComplete="off"
            spellCheck={false}
            required
            className="font-mono [-webkit-text-security:disc]"
            autoFocus={!!rotate}
          />
        )}
      </div>
    </FormDialog>
  );
}
