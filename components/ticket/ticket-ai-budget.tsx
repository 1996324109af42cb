'use client';
import { useQuery } from '@rocicorp/zero/react';
import { Pencil } from 'lucide-react';
import { useId, useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { BudgetLimitInput } from '@/components/jobs/budget-limit-input';
import { useCanSteer } from '@/components/jobs/use-can-steer';
import { describeBudgetLimits, ticketAiBudgetFromForm, ticketAiBudgetProblem, type TicketAiBudget } from '@/lib/tickets/ai-budget';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

type TeamBudget = { maxCostUsd: number | null; maxTurns: number | null; maxCostCeilingUsd?: number | null };

/** The budget of the team that works the ticket's project (its status trigger's), live. */
function useProjectTeamBudget(orgID: string, projectID: string): { name: string; budget: TeamBudget } | null {
  const [config] = useQuery(queries.teams.projectRunnerConfig({ orgID, projectID }));
  const teamID = config?.teamId ?? null;
  const [team] = useQuery(queries.teams.byId({ orgID, id: teamID ?? 'none' }), { enabled: teamID !== null });
  return teamID && team ? { name: team.name, budget: team.budget } : null;
}

/**
 * The ticket's AI budget in its sidebar: its own limits, or its team's when it has none, live.
 * Those who may override budgets change it here (before moving the ticket: a triggered job is
 * claimed at once and keeps the budget it started with).
 */
export function TicketAiBudgetField({ ticket }: { ticket: { id: string; projectId: string; aiBudget: TicketAiBudget | null } }) {
  const org = useCurrentOrg();
  const canSteer = useCanSteer();
  const team = useProjectTeamBudget(org.id, ticket.projectId);
  const own = ticket.aiBudget;
  const teamText = team ? describeBudgetLimits({ maxCostUsd: team.budget.maxCostUsd, maxTurns: team.budget.maxTurns }) : null;
  return (
    <div className="flex items-center gap-1" data-testid="ticket-ai-budget" data-source={own ? 'ticket' : 'team'}>
      <span className="flex-1 text-sm" data-testid="ticket-ai-budget-text">
        {own ? (
          <>
            {describeBudgetLimits(own)} <span className="text-muted-foreground">(this ticket)</span>
          </>
        ) : teamText ? (
          <>
            {teamText} <span className="text-muted-foreground">(team default)</span>
          </>
        ) : (
          <span className="text-muted-foreground">Team default</span>
        )}
      </span>
      {canSteer && <EditTicketAiBudget ticket={ticket} team={team} />}
    </div>
  );
}

const asText = (value: number | null | undefined) => (value == null ? '' : String(value));

function EditTicketAiBudget({ ticket, team }: { ticket: { id: string; aiBudget: TicketAiBudget | null }; team: { name: string; budget: TeamBudget } | null }) {
  const mutate = useMutate();
  const id = useId();
  const [typed, setTyped] = useState<{ costUsd: string; turns: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = typed ?? { costUsd: asText(ticket.aiBudget?.maxCostUsd), turns: asText(ticket.aiBudget?.maxTurns) };
  const ceiling = team?.budget.maxCostCeilingUsd ?? null;

  const save = async (budget: TicketAiBudget | null, close: () => void) => {
    setPending(true);
    const failure = await mutate(mutators.ticket.setAiBudget({ id: ticket.id, budget }));
    setPending(false);
    if (failure) return setError(failure);
    close();
  };

  return (
    <FormDialog
      trigger={
        <Button variant="ghost" size="icon" className="size-6" aria-label="Edit AI budget" data-testid="edit-ai-budget">
          <Pencil className="size-3.5" />
        </Button>
      }
      title="This ticket’s AI budget"
      description={`Jobs started from this ticket use these limits instead of ${team ? `${team.name}’s` : 'their team’s'}${ceiling != null ? `, up to the team’s cost ceiling of $${ceiling.toFixed(2)}` : ''}. Leave a field empty for the team’s; set it before moving the ticket.`}
      onSubmit={async (_event, close) => {
        const read = ticketAiBudgetFromForm(form);
        if ('problem' in read) return setError(read.problem);
        const problem = ticketAiBudgetProblem(read.budget, ceiling);
        if (problem) return setError(problem);
        await save(read.budget, close);
      }}
      onReset={() => {
        setTyped(null);
        setError(null);
      }}
      error={error}
      pending={pending}
      submitLabel="Save budget"
      pendingLabel="Saving…"
      testId="ticket-ai-budget-form"
      noValidate
    >
      <BudgetLimitInput
        id={`${id}-cost`}
        kind="cost"
        placeholder={team?.budget.maxCostUsd != null ? String(team.budget.maxCostUsd) : 'The team’s'}
        value={form.costUsd}
        onChange={(costUsd) => setTyped({ ...form, costUsd })}
        invalid={error !== null}
        testId="ticket-ai-budget-cost"
      />
      <BudgetLimitInput
        id={`${id}-turns`}
        kind="turns"
        placeholder={team?.budget.maxTurns != null ? String(team.budget.maxTurns) : 'The team’s'}
        value={form.turns}
        onChange={(turns) => setTyped({ ...form, turns })}
        invalid={error !== null}
        testId="ticket-ai-budget-turns"
      />
      {ticket.aiBudget && (
        <Button type="button" variant="outline" size="sm" className="justify-self-start" disabled={pending} onClick={() => setTyped({ costUsd: '', turns: '' })} data-testid="ticket-ai-budget-clear">
          Use the team’s budget
        </Button>
      )}
    </FormDialog>
  );
}
