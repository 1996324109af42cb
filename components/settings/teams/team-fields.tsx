'use client';
import { useId, useState, type ReactNode } from 'react';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import type { BudgetConfig } from '@/lib/teams/pipeline';
import { TagInput } from './tag-input';
import type { TeamDraft, TeamDraftErrors } from './team-draft';

type TeamFieldsProps = {
  draft: TeamDraft;
  onChange: (draft: TeamDraft) => void;
  errors: TeamDraftErrors;
  /** After a submit attempt every error shows; before, only those of fields already left. */
  showAllErrors: boolean;
  /** Status names of the organization's projects. */
  statusSuggestions: string[];
  /** Called when the person types into the handle field (the form stops suggesting one). */
  onHandleEdited?: () => void;
};

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: ReactNode; error?: string | null; children: ReactNode }) {
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      <FormError id={`${id}-error`}>{error}</FormError>
    </div>
  );
}

const statusFields = [
  { key: 'workingStatus', label: 'Working status', hint: 'Tickets moved here start a job.' },
  { key: 'completionStatus', label: 'Completion status', hint: 'Where tickets go after a successful job.' },
  { key: 'failureStatus', label: 'Failure status', hint: 'Where tickets go when a job fails.' },
] as const;

const budgetFields: { key: keyof BudgetConfig; label: string; step: string; placeholder: string }[] = [
  { key: 'maxCostUsd', label: 'Max cost (USD)', step: '0.01', placeholder: 'No limit' },
  // What an administrator lets a job's budget be raised to (an override on the job, or a raise at its cap).
  { key: 'maxCostCeilingUsd', label: 'Cost ceiling (USD)', step: '0.01', placeholder: 'No ceiling' },
  { key: 'maxTurns', label: 'Max turns', step: '1', placeholder: 'No limit' },
  { key: 'warningThresholdPercent', label: 'Warning at (%)', step: '1', placeholder: '80' },
  { key: 'maxInputTokens', label: 'Input token limit', step: '1', placeholder: 'No limit' },
  { key: 'maxOutputTokens', label: 'Output token limit', step: '1', placeholder: 'No limit' },
  // Minutes of work: time waiting for a person or stopped does not count.
  { key: 'stageTimeLimitSeconds', label: 'Stage time limit (min)', step: '1', placeholder: '30' },
  { key: 'jobTimeLimitSeconds', label: 'Job time limit (min)', step: '1', placeholder: '120' },
  { key: 'idleLimitSeconds', label: 'Idle limit (min)', step: '1', placeholder: '10' },
];

/** Name, handle, statuses, capabilities, labels and budget: the create dialog and the team page share them. */
export function TeamFields({ draft, onChange, errors, showAllErrors, statusSuggestions, onHandleEdited }: TeamFieldsProps) {
  const id = useId();
  const [left, setLeft] = useState<Set<string>>(new Set());
  const leave = (field: string) => () => setLeft((s) => (s.has(field) ? s : new Set(s).add(field)));
  // The handle is checked as it is typed: the namespace is shared with members.
  const shown = (field: string) => (showAllErrors || left.has(field) || (field === 'handle' && draft.handle !== '') ? errors[field] : null);
  const set = <K extends keyof TeamDraft>(key: K, value: TeamDraft[K]) => onChange({ ...draft, [key]: value });
  const describe = (field: string) => `${id}-${field}-error ${id}-${field}-hint`;

  return (
    <div className="grid gap-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" error={shown('name')}>
          <Input
            id={`${id}-name`}
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
            onBlur={leave('name')}
            maxLength={60}
            aria-invalid={shown('name') ? true : undefined}
            aria-describedby={describe('name')}
          />
        </Field>
        <Field id={`${id}-handle`} label="Handle" hint="Mention it in a comment (@handle) to give the team a job." error={shown('handle')}>
          <div className="flex h-9 items-center rounded-md border border-input shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/50 has-[[aria-invalid]]:border-destructive">
            <span className="pl-3 text-sm text-muted-foreground" aria-hidden>
              @
            </span>
            <input
              id={`${id}-handle`}
              value={draft.handle}
              onChange={(e) => {
                onHandleEdited?.();
                set('handle', e.target.value.toLowerCase());
              }}
              onBlur={leave('handle')}
              maxLength={39}
              className="h-full min-w-0 flex-1 bg-transparent px-1 text-sm outline-none"
              aria-invalid={shown('handle') ? true : undefined}
              aria-describedby={describe('handle')}
              spellCheck={false}
              autoComplete="off"
            />
          </div>
        </Field>
      </div>
      <Field id={`${id}-description`} label="Description" error={shown('description')}>
        <Textarea
          id={`${id}-description`}
          value={draft.description}
          onChange={(e) => set('description', e.target.value)}
          onBlur={leave('description')}
          maxLength={500}
          rows={2}
          placeholder="What this team does, for the people who pick it."
        />
      </Field>
      <fieldset className="grid gap-3">
        <legend className="mb-2 text-sm font-semibold">Status mappings</legend>
        <datalist id={`${id}-statuses`}>
          {statusSuggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <div className="grid gap-4 sm:grid-cols-3">
          {statusFields.map((f) => (
            <Field key={f.key} id={`${id}-${f.key}`} label={f.label} hint={f.hint} error={shown(f.key)}>
              <Input
                id={`${id}-${f.key}`}
                list={`${id}-statuses`}
                value={draft[f.key]}
                onChange={(e) => set(f.key, e.target.value)}
                onBlur={leave(f.key)}
                maxLength={40}
                aria-invalid={shown(f.key) ? true : undefined}
                aria-describedby={describe(f.key)}
                autoComplete="off"
              />
            </Field>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id={`${id}-capabilities`}
          label="Required capabilities"
          hint="Only runners that declare all of them get this team's jobs."
          error={shown('requiredCapabilities')}
        >
          <TagInput
            id={`${id}-capabilities`}
            itemName="capability"
            value={draft.requiredCapabilities}
            onChange={(v) => {
              leave('requiredCapabilities')();
              set('requiredCapabilities', v);
            }}
            placeholder="claude_code"
            invalid={!!shown('requiredCapabilities')}
            describedBy={describe('capabilities')}
          />
        </Field>
        <Field id={`${id}-labels`} label="Required labels" hint="e.g. backend, frontend." error={shown('requiredLabels')}>
          <TagInput
            id={`${id}-labels`}
            itemName="label"
            value={draft.requiredLabels}
            onChange={(v) => {
              leave('requiredLabels')();
              set('requiredLabels', v);
            }}
            placeholder="backend"
            invalid={!!shown('requiredLabels')}
            describedBy={describe('labels')}
          />
        </Field>
      </div>
      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-semibold">Default budget</legend>
        <p className="-mt-1 text-xs text-muted-foreground">Every job of this team starts with it; a job may override it. Leave a limit empty for none. The time limits count minutes of work: time waiting for a person or stopped does not count.</p>
        <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-4">
          {budgetFields.map((f) => {
            const field = `budget.${f.key}`;
            return (
              <Field key={f.key} id={`${id}-${f.key}`} label={f.label} error={shown(field)}>
                <Input
                  id={`${id}-${f.key}`}
                  type="number"
                  inputMode="decimal"
                  min={0}
                  step={f.step}
                  value={draft.budget[f.key]}
                  placeholder={f.placeholder}
                  onChange={(e) => set('budget', { ...draft.budget, [f.key]: e.target.value })}
                  onBlur={leave(field)}
                  aria-invalid={shown(field) ? true : undefined}
                  aria-describedby={`${id}-${f.key}-error`}
                />
              </Field>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
