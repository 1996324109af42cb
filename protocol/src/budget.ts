// A job's budget, job-wide (issue 14): what is measured against which limit, and the words a
// person reads when a figure passes its warning threshold or reaches its cap. The supervisor
// meters (supervisor/runner/budget.ts); the platform recognises a job paused at a cap by
// its reason (lib/jobs/budget.ts) and ends it with the same reason.
import type { JobSnapshot } from './wire.ts';

export type BudgetLimits = Pick<JobSnapshot['budget'], 'maxCostUsd' | 'maxTurns' | 'maxInputTokens' | 'maxOutputTokens' | 'warningThresholdPercent'>;

/** What the job used so far. Input tokens are what the model processed: input + cache read + cache write. */
export interface BudgetUsage {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** One model request through the proxy is one turn. */
  turns: number;
}

export const budgetFigures = ['costUsd', 'inputTokens', 'outputTokens', 'turns'] as const;
export type BudgetFigure = (typeof budgetFigures)[number];

const limitOf: Record<BudgetFigure, keyof BudgetLimits> = {
  costUsd: 'maxCostUsd',
  inputTokens: 'maxInputTokens',
  outputTokens: 'maxOutputTokens',
  turns: 'maxTurns',
};

export function budgetLimit(limits: BudgetLimits, figure: BudgetFigure): number | null {
  return limits[limitOf[figure]];
}

const whole = (n: number) => Math.round(n).toLocaleString('en-US');

/** "$4.02 of $4.00", "1,200,000 input tokens of 1,000,000", "200 turns of 200". */
export function budgetFigureText(figure: BudgetFigure, used: number, limit: number): string {
  switch (figure) {
    case 'costUsd':
      return `$${used.toFixed(2)} of $${limit.toFixed(2)}`;
    case 'inputTokens':
      return `${whole(used)} input tokens of ${whole(limit)}`;
    case 'outputTokens':
      return `${whole(used)} output tokens of ${whole(limit)}`;
    case 'turns':
      return `${whole(used)} turns of ${whole(limit)}`;
  }
}

const reachedPrefix = 'Budget reached: ';

/** The Waiting for Input reason at a cap, and the Failed reason when a person ends the job there. */
export function budgetReachedReason(figure: BudgetFigure, used: number, limit: number): string {
  return `${reachedPrefix}${budgetFigureText(figure, used, limit)}`;
}

/** Whether a Waiting for Input job waits at a budget cap (its status reason says so). */
export function isBudgetReachedReason(reason: string | null | undefined): boolean {
  return reason?.startsWith(reachedPrefix) ?? false;
}

/** The first figure at or over its cap, or null. */
export function reachedFigure(usage: BudgetUsage, limits: BudgetLimits): BudgetFigure | null {
  for (const figure of budgetFigures) {
    const limit = budgetLimit(limits, figure);
    if (limit !== null && usage[figure] >= limit) return figure;
  }
  return null;
}

/** The first figure past the warning threshold (a share of its cap), or null. */
export function warningFigure(usage: BudgetUsage, limits: BudgetLimits): BudgetFigure | null {
  for (const figure of budgetFigures) {
    const limit = budgetLimit(limits, figure);
    if (limit !== null && usage[figure] >= (limit * limits.warningThresholdPercent) / 100) return figure;
  }
  return null;
}
