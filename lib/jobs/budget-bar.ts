// The job header's budget bar (issue 17): what a job spent against its cost limit, and the
// colour a person reads it by — within budget, past the warning threshold, or at the cap.
// The same rules the supervisor enforces (supervisor/runner/budget.ts), for cost.

export type BudgetBarState = 'within' | 'warning' | 'reached';

export interface BudgetBar {
  state: BudgetBarState;
  /** Spent ÷ limit, from 0 to 1 (the bar's fill; past the cap it stays full). */
  fill: number;
  /** "$1.20 of $4.00 (30%)". */
  text: string;
}

/** Null when the job has no cost limit (nothing to draw). */
export function budgetBar(spentUsd: number, limitUsd: number | null, warningThresholdPercent: number): BudgetBar | null {
  if (limitUsd === null || !(limitUsd > 0)) return null;
  const spent = Number.isFinite(spentUsd) && spentUsd > 0 ? spentUsd : 0;
  const ratio = spent / limitUsd;
  const state: BudgetBarState = ratio >= 1 ? 'reached' : ratio * 100 >= warningThresholdPercent ? 'warning' : 'within';
  return { state, fill: Math.min(ratio, 1), text: `$${spent.toFixed(2)} of $${limitUsd.toFixed(2)} (${Math.floor(ratio * 100)}%)` };
}
