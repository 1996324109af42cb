import { describe, expect, it } from 'vitest';
import { budgetOverrideRefusal, ceilingProblem, jobBudgetOverride, raiseProblem, suggestedRaise } from './budget-rules.ts';

describe('job budget overrides', () => {
  it('are allowed while Ready or waiting at a cap, not while running or waiting for an answer', () => {
    expect(budgetOverrideRefusal({ status: 'ready', statusReason: null })).toBeNull();
    expect(budgetOverrideRefusal({ status: 'waiting_for_input', statusReason: 'Budget reached: $4.02 of $4.00' })).toBeNull();
    expect(budgetOverrideRefusal({ status: 'waiting_for_input', statusReason: null })).toMatch(/Waiting for Input/);
    expect(budgetOverrideRefusal({ status: 'running', statusReason: null })).toMatch(/this one is Running/);
  });

  it('stay under the team’s cost ceiling', () => {
    expect(ceilingProblem({ maxCostUsd: 8 }, 8)).toBeNull();
    expect(ceilingProblem({ maxTurns: 500 }, 8)).toBeNull();
    expect(ceilingProblem({ maxCostUsd: 8.01 }, 8)).toMatch(/above the team's cost ceiling of \$8\.00/);
    expect(ceilingProblem({ maxCostUsd: null }, 8)).toMatch(/set a cost limit up to it/);
    expect(ceilingProblem({ maxCostUsd: null }, null)).toBeNull();
  });

  it('validate their figures with messages a person understands', () => {
    expect(jobBudgetOverride.safeParse({ maxCostUsd: 0 }).error?.issues[0]?.message).toBe('The cost limit must be above $0.');
    expect(jobBudgetOverride.safeParse({}).error?.issues[0]?.message).toBe('Change at least one limit.');
    expect(jobBudgetOverride.safeParse({ maxOutputTokens: 1.5 }).error?.issues[0]?.message).toBe('The output token limit is a whole number of tokens.');
    expect(jobBudgetOverride.parse({ maxTurns: null, maxCostUsd: 6 })).toEqual({ maxTurns: null, maxCostUsd: 6 });
  });

  it('suggest a raise and refuse one that does not lift the cap or passes the ceiling', () => {
    expect(suggestedRaise('costUsd', 4, null)).toBe(6);
    expect(suggestedRaise('costUsd', 4, 5)).toBe(5);
    expect(suggestedRaise('turns', 3, 5)).toBe(5);
    expect(raiseProblem('costUsd', 4.01, 4.02, null)).toBe('Raise it above what the job used: $4.02.');
    expect(raiseProblem('costUsd', 9, 4.02, 8)).toMatch(/ceiling of \$8\.00/);
    expect(raiseProblem('costUsd', 6, 4.02, 8)).toBeNull();
    expect(raiseProblem('turns', 7.5, 6, null)).toBe('Enter a whole number.');
    expect(raiseProblem('turns', Number.NaN, 6, null)).toBe('Enter a whole number above 0.');
    expect(raiseProblem('outputTokens', 20_000, 12_500, 1)).toBeNull();
  });
});
