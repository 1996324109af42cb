'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useId, useState, type FormEvent } from 'react';
import { budgetFigures, budgetLimit, type BudgetFigure } from '@spedy/protocol/budget';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { forgetJobSnapshot } from '@/components/jobs/use-job-snapshot';
import { limitKeyOf, raiseProblem, suggestedRaise } from '@/lib/jobs/budget-rules';
import type { PendingRequest } from '@/lib/jobs/event-feed';
import { queries } from '@/zero/queries';
import { mutators } from '@/zero/mutators';

type BudgetPending = Extract<NonNullable<PendingRequest>, { kind: 'budget' }>;

const labels: Record<BudgetFigure, string> = {
  costUsd: 'Cost',
  inputTokens: 'Input tokens (input + cache read + cache write: what the model processed)',
  outputTokens: 'Output tokens',
  turns: 'Turns (model requests)',
};
const raiseLabels: Record<BudgetFigure, string> = {
  costUsd: 'New cost limit (USD)',
  inputTokens: 'New input token limit',
  outputTokens: 'New output token limit',
  turns: 'New turn limit',
};
const whole = new Intl.NumberFormat('en-US');
const format = (figure: BudgetFigure, value: number) => (figure === 'costUsd' ? `$${value.toFixed(2)}` : whole.format(Math.round(value)));

/**
 * A job paused at a budget cap: what it used against each limit, and the two ways on —
 * raise the limit it reached (up to the team's ceiling; the same sessions resume) or end it
 * (Failed with the budget's reason).
 */
export function BudgetResponse({ job, pending }: { job: { id: string; teamId: string | null }; pending: BudgetPending }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const id = useId();
  // A job made by hand has no team, so no ceiling.
  const [team] = useQuery(queries.teams.byId({ orgID: org.id, id: job.teamId ?? 'none' }), { enabled: job.teamId !== null });
  const ceiling = job.teamId ? team?.budget.maxCostCeilingUsd : null;
  const figure = pending.figure ?? 'costUsd';
  const limit = budgetLimit({ ...pending.limits, warningThresholdPercent: 100 }, figure) ?? 0;
  const used = pending.usage[figure];
  // Prefilled with a suggestion (under the ceiling once the team has loaded) until the person types.
  const [typed, setValue] = useState<string | null>(null);
  const value = typed ?? String(suggestedRaise(figure, limit, ceiling));
  const [touched, setTouched] = useState(false);
  const [sending, setSending] = useState(false);
  const problem = raiseProblem(figure, Number(value.trim() === '' ? Number.NaN : value), used, ceiling);

  const raise = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem || sending) return;
    setSending(true);
    const failure = await mutate(mutators.job.setBudget({ id: job.id, budget: { [limitKeyOf(figure)]: Number(value) } }));
    setSending(false);
    if (!failure) forgetJobSnapshot(org.id, job.id);
  };

  return (
    <section className="grid gap-3 rounded-md border border-amber-500/50 bg-amber-500/10 p-3" aria-labelledby={`${id}-heading`} data-testid="job-budget">
      <h3 id={`${id}-heading`} className="text-sm font-semibold text-amber-800 dark:text-amber-300">
        {pending.message.split('. ')[0]}
      </h3>
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-2" data-testid="job-budget-figures">
        {budgetFigures.map((f) => {
          const max = budgetLimit({ ...pending.limits, warningThresholdPercent: 100 }, f);
          return (
            <div key={f} className="flex min-w-0 flex-col" data-figure={f}>
              <dt className="text-xs text-muted-foreground">{labels[f]}</dt>
              <dd className={f === figure ? 'font-mono font-semibold tabular-nums' : 'font-mono tabular-nums'}>
                {format(f, pending.usage[f])} {max === null ? '(no limit)' : `of ${format(f, max)}`}
              </dd>
            </div>
          );
        })}
      </dl>
      <form className="grid gap-2" onSubmit={raise} noValidate>
        <Label htmlFor={`${id}-limit`}>{raiseLabels[figure]}</Label>
        <div className="flex flex-wrap items-start gap-2">
          <Input
            id={`${id}-limit`}
            className="w-40"
            type="number"
            inputMode="decimal"
            min={0}
            step={figure === 'costUsd' ? '0.01' : '1'}
            max={figure === 'costUsd' && ceiling != null ? ceiling : undefined}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => setTouched(true)}
            aria-invalid={touched && problem ? true : undefined}
            aria-describedby={`${id}-hint ${id}-error`}
            disabled={sending}
            data-testid="budget-new-limit"
          />
          <Button type="submit" disabled={sending} data-testid="raise-budget">
            Raise the budget and continue
          </Button>
          <ConfirmDialog
            trigger={
              <Button type="button" variant="outline" disabled={sending} data-testid="end-job-at-budget">
                End the job
              </Button>
            }
            title="End this job?"
            description={`It fails with “${pending.message.split('. ')[0]}” and cannot be continued. Its ticket moves to the failure status.`}
            confirmLabel="End the job"
            onConfirm={() => mutate(mutators.job.cancel({ id: job.id }))}
          />
        </div>
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          The agent resumes its session where it stopped, with the new limit.
          {figure === 'costUsd' && ceiling != null ? ` The team’s ceiling is $${ceiling.toFixed(2)}.` : ''}
        </p>
        <FormError id={`${id}-error`}>{touched ? problem : null}</FormError>
      </form>
    </section>
  );
}
