// A JobRunner for supervisor tests that runs, for each job, the plan registered under its title.
import type { JobContext } from '../../../supervisor/runner/job-context.ts';
import type { JobRunner } from '../../../supervisor/runner/job-lifecycle.ts';

export type Plan = (ctx: JobContext) => Promise<void>;

export function plannedJobs(): { plans: Map<string, Plan>; runJob: JobRunner } {
  const plans = new Map<string, Plan>();
  const runJob: JobRunner = async (ctx) => {
    const plan = plans.get(ctx.job.title);
    if (!plan) throw new Error(`no plan for ${ctx.job.title}`);
    await plan(ctx);
  };
  return { plans, runJob };
}
