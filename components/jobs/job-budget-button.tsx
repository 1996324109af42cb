'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useId, useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { forgetJobSnapshot, useJobSnapshot } from '@/components/jobs/use-job-snapshot';
import { ceilingProblem, jobBudgetOverride } from '@/lib/jobs/budget-rules';
import { queries } from '@/zero/queries';
import { mutators } from '@/zero/mutators';
import { BudgetLimitInput } from './budget-limit-input';
import { useCanSteer } from './use-can-steer';

/**
 * A Ready job's cost limit, overridden on the job before a runner takes it (those who may
 * steer jobs; never past the team's ceiling, which only administrators set). A job waiting at its cap is raised from its Waiting for
 * Input panel instead (budget-response.tsx).
 */
export function JobBudgetButton({ job }: { job: { id: string; status: string; teamId: string | null } }) {
  const org = useCurrentOrg();
  const mutate = useMutate();
  const id = useId();
  const snapshot = useJobSnapshot(org.id, job.id);
  const [team] = useQuery(queries.teams.byId({ orgID: org.id, id: job.teamId ?? 'none' }), { enabled: job.teamId !== null });
  const ceiling = job.teamId ? team?.budget.maxCostCeilingUsd : null;
  const current = snapshot?.success ? snapshot.data.budget.maxCostUsd : null;
  const [typed, setTyped] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const canSteer = useCanSteer();
  if (job.status !== 'ready' || !canSteer) return null;
  const value = typed ?? (current == null ? '' : String(current));

  return (
    <FormDialog
      trigger={
        <Button variant="outline" size="sm" data-testid="job-budget-button">
          Budget
        </Button>
      }
      title="This job’s budget"
      description={`Until a runner takes it, this job may get its own cost limit instead of its team’s${ceiling != null ? `, up to the team’s ceiling of $${ceiling.toFixed(2)}` : ''}.`}
      onSubmit={async (_event, close) => {
        const parsed = jobBudgetOverride.safeParse({ maxCostUsd: value.trim() === '' ? Number.NaN : Number(value) });
        const problem = parsed.success ? ceilingProblem(parsed.data, ceiling) : (parsed.error.issues[0]?.message ?? 'Enter a cost limit.');
        if (problem || !parsed.success) return setError(problem);
        setPending(true);
        const failure = await mutate(mutators.job.setBudget({ id: job.id, budget: parsed.data }));
        setPending(false);
        if (failure) return setError(failure);
        forgetJobSnapshot(org.id, job.id);
        close();
      }}
      onReset={() => {
        setTyped(null);
        setError(null);
      }}
      error={error}
      pending={pending}
      submitLabel="Save budget"
      pendingLabel="Saving…"
      testId="job-budget-form"
      noValidate
    >
      <BudgetLimitInput
        id={`${id}-cost`}
        kind="cost"
        value={value}
        onChange={setTyped}
        invalid={error !== null}
        hint={current == null ? 'The job has no cost limit now.' : `The job’s limit now: $${current.toFixed(2)}.`}
        testId="job-budget-cost"
      />
    </FormDialog>
  );
}
