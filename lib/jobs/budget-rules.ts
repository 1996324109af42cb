// Who may change a job's budget, when, and how far (issue 14). A job's budget is its team's
// unless overridden on the job: when created by hand, while it is Ready, or while it waits at
// a cap (the raise continues it). No override may go past the team's cost ceiling. Pure rules,
// shared by the mutator (browser and server) and the server's write (./budget.ts).
import { z } from 'zod';
import { isBudgetReachedReason, type BudgetFigure } from '@spedy/protocol/budget';
import type { JobStatus } from '@spedy/protocol/job-status';
import { jobStatusLabels } from '@spedy/protocol/job-status';
import type { ZeroContext } from '../auth/context.ts';
import { assertPermission, type Permission, type RolePolicy } from '../auth/permissions.ts';

/**
 * The right to override a budget, a job's or a ticket's (lib/tickets/ai-budget.ts): steering
 * jobs, which an organization may withdraw from its Members (`policy`). The ceiling itself
 * is a team setting only administrators change.
 */
const overrideBudgetPermission: Permission = 'jobs:steer';


/** Refuses (forbidden, or "not found" outside the organization) anyone who may not override budgets in `orgID`. */
export function assertMayOverrideBudgets(ctx: ZeroContext | undefined, orgID: string, policy: RolePolicy | null | undefined): void {
  assertPermission(ctx, orgID, overrideBudgetPermission, policy);
}

const tokens = (what: string) =>
  z
    .number({ message: `The ${what} limit is a whole number of tokens.` })
    .int(`The ${what} limit is a whole number of tokens.`)
    .positive(`The ${what} limit must be above 0.`)
    .max(1_000_000_000, `The ${what} limit is at most 1,000,000,000 tokens.`)
    .nullable();

/** The limits a person may override; a field left out keeps the job's. Null: no limit. */
export const jobBudgetOverride = z
  .object({
    maxCostUsd: z
      .number({ message: 'The cost limit is a number of US dollars.' })
      .positive('The cost limit must be above $0.')
      .max(10_000, 'The cost limit is at most $10,000.')
      .nullable(),
    maxTurns: z.number({ message: 'The turn limit is a whole number.' }).int('The turn limit is a whole number.').positive('The turn limit must be above 0.').max(10_000, 'The turn limit is at most 10,000.').nullable(),
    maxInputTokens: tokens('input token'),
    maxOutputTokens: tokens('output token'),
  })
  .partial()
  .refine((override) => Object.keys(override).length > 0, { message: 'Change at least one limit.' });
export type JobBudgetOverride = z.infer<typeof jobBudgetOverride>;

/** The override in a few words, as the job's feed records it: "cost $12.00, 40 turns". */
export function budgetOverrideSummary(override: JobBudgetOverride): string {
  const limit = (value: number | null | undefined, shown: (n: number) => string) => (value === null ? 'no limit' : value === undefined ? null : shown(value));
  return [
    ['cost', limit(override.maxCostUsd, (n) => `$${n.toFixed(2)}`)],
    ['turns', limit(override.maxTurns, (n) => n.toLocaleString('en-US'))],
    ['input tokens', limit(override.maxInputTokens, (n) => n.toLocaleString('en-US'))],
    ['output tokens', limit(override.maxOutputTokens, (n) => n.toLocaleString('en-US'))],
  ]
    .filter(([, value]) => value !== null)
    .map(([what, value]) => `${what} ${value}`)
    .join(', ');
}

/** Why the job's budget cannot be changed now, or null. */
export function budgetOverrideRefusal(job: { status: JobStatus; statusReason: string | null }): string | null {
  if (job.status === 'ready') return null;
  if (job.status === 'waiting_for_input' && isBudgetReachedReason(job.statusReason)) return null;
  return `A job's budget can be changed while it is Ready or waits at its budget; this one is ${jobStatusLabels[job.status] ?? job.status}.`;
}

/** Why `override` goes past the team's cost ceiling, or null. */
export function ceilingProblem(override: JobBudgetOverride, ceilingUsd: number | null | undefined): string | null {
  if (ceilingUsd == null || override.maxCostUsd === undefined) return null;
  if (override.maxCostUsd === null) return `The team's cost ceiling is $${ceilingUsd.toFixed(2)}; set a cost limit up to it.`;
  if (override.maxCostUsd > ceilingUsd) return `$${override.maxCostUsd.toFixed(2)} is above the team's cost ceiling of $${ceilingUsd.toFixed(2)}; ask an administrator to raise the ceiling.`;
  return null;
}

// ── A raise at the cap (the Waiting for Input panel, components/jobs/budget-response.tsx) ─
const limitKeys = { costUsd: 'maxCostUsd', inputTokens: 'maxInputTokens', outputTokens: 'maxOutputTokens', turns: 'maxTurns' } as const satisfies Record<BudgetFigure, keyof JobBudgetOverride>;

/** The override field of the figure that reached its cap. */
export function limitKeyOf(figure: BudgetFigure): (typeof limitKeys)[BudgetFigure] {
  return limitKeys[figure];
}

/** What the raise field starts with: half as much again as the limit, whole for counts, never past the ceiling. */
export function suggestedRaise(figure: BudgetFigure, limit: number, ceilingUsd: number | null | undefined): number {
  if (figure !== 'costUsd') return Math.ceil(limit * 1.5);
  const raised = Math.ceil(limit * 1.5 * 100) / 100;
  return ceilingUsd == null ? raised : Math.min(raised, ceilingUsd);
}

/** Why `value` (as typed) is no raise for `figure`, or null. */
export function raiseProblem(figure: BudgetFigure, value: number, used: number, ceilingUsd: number | null | undefined): string | null {
  const cost = figure === 'costUsd';
  if (!Number.isFinite(value) || value <= 0) return cost ? 'Enter a cost limit in US dollars, such as 6.00.' : 'Enter a whole number above 0.';
  if (!cost && !Number.isInteger(value)) return 'Enter a whole number.';
  if (value <= used) return `Raise it above what the job used: ${cost ? `$${used.toFixed(2)}` : Math.round(used).toLocaleString('en-US')}.`;
  if (cost) return ceilingProblem({ maxCostUsd: value }, ceilingUsd);
  return null;
}
