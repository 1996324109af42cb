// A ticket's own AI budget (issue 17): limits that every job created from the ticket (a
// status trigger, an @mention, a manual job for it) starts with instead of its team's. It is
// stored on the ticket before the move that triggers a job, because a triggered job is
// claimed within milliseconds; the job's snapshot takes it in the transaction that creates
// the job (lib/jobs/triggers.ts, lib/manual-jobs/manual-job.ts). Setting it is overriding a
// budget (lib/jobs/budget-rules.ts: who may, and never past the team's cost ceiling).
// Pure rules: the mutator (browser and server), the snapshot and the sidebar share them.
import type { BudgetLimits } from '@spedy/protocol/budget';
import { ceilingProblem, jobBudgetOverride, type JobBudgetOverride } from '../jobs/budget-rules.ts';

/** The same limits a job's override has; a field left out keeps the team's, null is "no limit". */
export const ticketAiBudget = jobBudgetOverride;
export type TicketAiBudget = JobBudgetOverride;

/** The mutator's argument: the ticket's limits, or null to use the team's again. */
export const ticketAiBudgetArg = ticketAiBudget.nullable();

/** Why the ticket cannot carry `budget` under a team whose cost ceiling is `ceilingUsd`, or null (null: the team's budget, always allowed). */
export function ticketAiBudgetProblem(budget: TicketAiBudget | null, ceilingUsd: number | null | undefined): string | null {
  return budget === null ? null : ceilingProblem(budget, ceilingUsd);
}

/**
 * The budget a job created from the ticket starts with: the team's (or a manual job's), with
 * the ticket's limits in their place. The cost limit never passes the job's team's ceiling (a
 * ticket's budget is checked against its project's team; an @mention may start another team's
 * job, and a ceiling may have been lowered since).
 */
export function budgetWithTicketLimits<B extends Omit<BudgetLimits, 'warningThresholdPercent'>>(
  base: B,
  ticketBudget: TicketAiBudget | null | undefined,
  ceilingUsd: number | null | undefined,
): B {
  const parsed = ticketBudget == null ? null : ticketAiBudget.safeParse(ticketBudget);
  if (!parsed?.success) return base;
  const merged = { ...base };
  for (const [key, value] of Object.entries(parsed.data) as [keyof TicketAiBudget, number | null | undefined][]) {
    if (value !== undefined) merged[key] = value as B[typeof key];
  }
  if (ceilingUsd != null && (merged.maxCostUsd === null || merged.maxCostUsd > ceilingUsd)) merged.maxCostUsd = ceilingUsd as B['maxCostUsd'];
  return merged;
}

const limitWords: { key: keyof TicketAiBudget; text: (n: number) => string }[] = [
  { key: 'maxCostUsd', text: (n) => `$${n.toFixed(2)}` },
  { key: 'maxTurns', text: (n) => `${n.toLocaleString('en-US')} turns` },
  { key: 'maxInputTokens', text: (n) => `${n.toLocaleString('en-US')} input tokens` },
  { key: 'maxOutputTokens', text: (n) => `${n.toLocaleString('en-US')} output tokens` },
];

/** "$4.00 · 50 turns"; a cost without a limit reads "no cost limit". */
export function describeBudgetLimits(limits: Partial<Record<keyof TicketAiBudget, number | null>>): string {
  const parts: string[] = [];
  for (const { key, text } of limitWords) {
    const value = limits[key];
    if (value != null) parts.push(text(value));
    else if (key === 'maxCostUsd' && value === null) parts.push('no cost limit');
  }
  return parts.length ? parts.join(' · ') : 'no limits';
}

/** The sidebar form's fields as typed ('' is "the team's") → the mutator's budget, or what is wrong. */
export function ticketAiBudgetFromForm(form: { costUsd: string; turns: string }): { budget: TicketAiBudget | null } | { problem: string } {
  const candidate: Record<string, number> = {};
  if (form.costUsd.trim() !== '') candidate.maxCostUsd = Number(form.costUsd);
  if (form.turns.trim() !== '') candidate.maxTurns = Number(form.turns);
  if (Object.keys(candidate).length === 0) return { budget: null };
  const parsed = ticketAiBudget.safeParse(candidate);
  if (!parsed.success) return { problem: parsed.error.issues[0]?.message ?? 'The budget is invalid.' };
  return { budget: parsed.data };
}
