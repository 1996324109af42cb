// Overriding a job's budget (rules in ./budget-rules.ts). The override is written into the
// job's snapshot (secure.job_snapshot), where the runner reads the budget: with its claim,
// so a job waiting at its cap gets the new limits when the raise makes it Ready again for
// its runner (./resume.ts), which then resumes the same agent sessions.
import { sql } from 'drizzle-orm';
import { SpedyError } from '@spedy/protocol/errors';
import type { JobStatus } from '@spedy/protocol/job-status';
import { budgetOverrideRefusal, ceilingProblem, jobBudgetOverride, type JobBudgetOverride } from './budget-rules.ts';
import type { DbOrTx } from './db.ts';
import { resumeJob } from './resume.ts';
import { lockJob } from './transition.ts';

/** Writes the override; a job waiting at its cap continues. Refused (nothing written) past the team's ceiling. */
export async function overrideJobBudget(
  tx: DbOrTx,
  input: { organizationId: string; jobId: string; budget: JobBudgetOverride },
): Promise<{ continued: boolean }> {
  const parsed = jobBudgetOverride.safeParse(input.budget);
  if (!parsed.success) throw new SpedyError('invalid', parsed.error.issues[0]?.message ?? 'The budget is invalid.');
  const job = await lockJob(tx, input.organizationId, input.jobId);
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  const { rows } = await tx.execute<{ status_reason: string | null; ceiling: number | null }>(sql`
    SELECT j.status_reason, (t.budget->>'maxCostCeilingUsd')::float8 AS ceiling
    FROM job j LEFT JOIN runner_team t ON t.id = j.team_id WHERE j.id = ${job.id}`);
  const refusal = budgetOverrideRefusal({ status: job.status as JobStatus, statusReason: rows[0]?.status_reason ?? null });
  if (refusal) throw new SpedyError('invalid', refusal);
  const problem = ceilingProblem(parsed.data, rows[0]?.ceiling);
  if (problem) throw new SpedyError('invalid', problem);
  await tx.execute(sql`
    UPDATE secure.job_snapshot SET snapshot = jsonb_set(snapshot, '{budget}', (snapshot->'budget') || ${JSON.stringify(parsed.data)}::jsonb)
    WHERE job_id = ${job.id}`);
  if (job.status !== 'waiting_for_input') return { continued: false };
  await resumeJob(tx, { organizationId: job.organizationId, jobId: job.id, action: 'continue' });
  return { continued: true };
}
