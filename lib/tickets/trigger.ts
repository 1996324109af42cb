// Whether a ticket write may start jobs: a ticket entering a status may start the project
// team's job, a comment may start one for each @team it mentions. Board and agent moves
// and creates trigger; a job's own outcome does not (a team whose failure status is its
// working status would otherwise start itself again in a loop), nor does an agent's
// comment (an agent mentioning a team must not start another agent, or itself, in a loop).
import type { DbOrTx } from '../jobs/db.ts';
import { jobForStatusChange } from '../jobs/triggers.ts';

/** `actorId`: the person the triggered job is created in the name of. */
export type JobTrigger = { trigger: true; actorId: string } | { trigger: false };

export async function runStatusTrigger(tx: DbOrTx, ticketId: string, trigger: JobTrigger): Promise<void> {
  if (trigger.trigger) await jobForStatusChange(tx, { ticketId, actorId: trigger.actorId });
}
