// Who may change a job's budget, when, and how far (issue 14). A job's budget is its team's
// unless overridden on the job: when created by hand, while it is Ready, or while it waits at
// a cap (the raise continues it). No override may go past the team's cost ceiling. Pure rules,
// shared by the mutator (browser and server) and the server's write (./budget.ts).
import { z } from 'zod';
import { isBudgetReachedReason } from '@spedy/protocol/budget';
import type { JobStatus } from '@spedy/protocol/job-status';
import { jobStatusLabels } from '@spedy/protocol/job-status';

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
