// The matching rule: which runner may take which Ready job. A runner fits a job of its own
// organization when its capabilities and labels cover the job's required ones, and it may
// take one more while it has a free slot (jobs holding a slot < pool size; Stopped and
// Waiting for Input jobs hold none: @spedy/protocol/job-status slotJobStatuses). A Ready job
// that still names a runner (continued or answered by a person; its folder is there) goes
// only to that runner, before new work. The rule is written once, as SQL functions
// (migrations 0008_runner_job_matching and 0010_job_snapshot_and_batched_claims), because
// the claim runs inside the database (spedy_claim_jobs); the offers and the explanation of
// a refused claim use the same functions through these fragments.
import { sql, type SQL } from 'drizzle-orm';
import { slotJobStatuses } from '@spedy/protocol/job-status';

/** A table alias in the surrounding query (a runner row or a job row). */
type Alias = 'r' | 'j';

/** The statuses that take a pool slot, as the SQL functions' parameter (the database keeps no list of its own). */
export function slotStatusesParam(): SQL {
  return sql`${sql.param([...slotJobStatuses])}::text[]`;
}

/** True when runner `r` fits job `j` (same organization, capabilities and labels covered). */
export function runnerFitsJob(runner: Alias, job: Alias): SQL {
  return sql`spedy_runner_fits_job(${sql.raw(runner)}, ${sql.raw(job)})`;
}

/** What runner `r` lacks for job `j`: 'capability x' and 'label y', in the job's order. */
export function runnerLacks(runner: Alias, job: Alias): SQL {
  return sql`spedy_runner_lacks(${sql.raw(runner)}, ${sql.raw(job)})`;
}

/** How many of runner `r`'s jobs take a slot now. */
export function runnerActiveJobs(runner: Alias): SQL {
  return sql`spedy_runner_active_jobs(${sql.raw(runner)}, ${slotStatusesParam()})`;
}

/** How many more jobs runner `r` may take (never below 0). */
export function runnerFreeSlots(runner: Alias): SQL {
  return sql`spedy_runner_free_slots(${sql.raw(runner)}, ${slotStatusesParam()})`;
}
