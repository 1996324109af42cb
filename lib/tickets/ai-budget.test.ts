import { describe, expect, it } from 'vitest';
import { defaultBudget } from '../teams/pipeline.ts';
import { budgetWithTicketLimits, describeBudgetLimits, ticketAiBudgetFromForm, ticketAiBudgetProblem } from './ai-budget.ts';

const team = { ...defaultBudget, maxCostUsd: 10, maxTurns: 200, maxOutputTokens: 80_000 };

describe('a ticket’s AI budget', () => {
  it('replaces the team’s limits it names and keeps the others', () => {
    expect(budgetWithTicketLimits(team, { maxCostUsd: 4, maxTurns: 50 }, null)).toEqual({ ...team, maxCostUsd: 4, maxTurns: 50 });
    expect(budgetWithTicketLimits(team, { maxOutputTokens: null }, null)).toEqual({ ...team, maxOutputTokens: null });
  });

  it('is the team’s budget when the ticket has none, or holds something unreadable', () => {
    expect(budgetWithTicketLimits(team, null, 8)).toEqual(team);
    expect(budgetWithTicketLimits(team, { maxCostUsd: -3 } as never, null)).toEqual(team);
  });

  it('never passes the job’s team’s cost ceiling, nor leaves the cost unlimited under one', () => {
    expect(budgetWithTicketLimits(team, { maxCostUsd: 20 }, 8).maxCostUsd).toBe(8);
    expect(budgetWithTicketLimits(team, { maxCostUsd: null }, 8).maxCostUsd).toBe(8);
    expect(budgetWithTicketLimits(team, { maxCostUsd: 6 }, 8).maxCostUsd).toBe(6);
  });

  it('is refused above the ceiling, while clearing it always may', () => {
    expect(ticketAiBudgetProblem({ maxCostUsd: 9 }, 8)).toBe("$9.00 is above the team's cost ceiling of $8.00; ask an administrator to raise the ceiling.");
    expect(ticketAiBudgetProblem({ maxTurns: 20 }, 8)).toBeNull();
    expect(ticketAiBudgetProblem(null, 8)).toBeNull();
    expect(ticketAiBudgetProblem({ maxCostUsd: 500 }, null)).toBeNull();
  });

  it('reads the sidebar’s form: empty is the team’s budget, bad figures say what is wrong', () => {
    expect(ticketAiBudgetFromForm({ costUsd: ' ', turns: '' })).toEqual({ budget: null });
    expect(ticketAiBudgetFromForm({ costUsd: '2.5', turns: '' })).toEqual({ budget: { maxCostUsd: 2.5 } });
    expect(ticketAiBudgetFromForm({ costUsd: '', turns: '40' })).toEqual({ budget: { maxTurns: 40 } });
    expect(ticketAiBudgetFromForm({ costUsd: '0', turns: '' })).toEqual({ problem: 'The cost limit must be above $0.' });
    expect(ticketAiBudgetFromForm({ costUsd: 'lots', turns: '' })).toEqual({ problem: 'The cost limit is a number of US dollars.' });
    expect(ticketAiBudgetFromForm({ costUsd: '', turns: '2.5' })).toEqual({ problem: 'The turn limit is a whole number.' });
  });

  it('describes limits as the sidebar shows them', () => {
    expect(describeBudgetLimits({ maxCostUsd: 4, maxTurns: 50 })).toBe('$4.00 · 50 turns');
    expect(describeBudgetLimits({ maxCostUsd: null, maxTurns: 1200 })).toBe('no cost limit · 1,200 turns');
    expect(describeBudgetLimits({ maxOutputTokens: 80_000 })).toBe('80,000 output tokens');
  });
});
