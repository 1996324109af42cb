// A person acts on a job that waits for them: Continue after a Stop, or an answer, a plan
// approval or a plan sent back with requested changes while it is Waiting for Input. Neither status holds a pool slot on the runner
// (@spedy/protocol/job-status slotJobStatuses), so the job cannot simply go on: it becomes
// Ready again, still naming its runner, and only that runner (its folder and agent sessions
// are there) is offered it, ahead of new work, when it has a free slot (./matching.ts).
// The control message that carries the action is stored in the same transaction; the
// runner applies it once its claim succeeds (supervisor/pool.ts). A job no runner ever
// claimed simply becomes Ready for any runner.
import { SpedyError } from '@spedy/protocol/errors';
import type { controlActions } from '@spedy/protocol/wire';
import { sendJobControl } from './control.ts';
import type { DbOrTx } from './db.ts';
import { lockJob, transitionJob } from './transition.ts';

export async function resumeJob(
  tx: DbOrTx,
  input: { organizationId: string; jobId: string; action: Exclude<(typeof controlActions)[number], 'stop'>; text?: string },
): Promise<void> {
  const job = await lockJob(tx, input.organizationId, input.jobId);
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  // Continue also answers a job paused for "No progress" (it waits for input).
  const waitsFor = input.action === 'continue' ? ['stopped', 'waiting_for_input'] : ['waiting_for_input'];
  // A second click, or the runner already resumed it: the first action stands.
  if (!waitsFor.includes(job.status)) return;
  await transitionJob(tx, job, { to: 'ready', reason: null, keepRunner: true });
  if (job.runnerId) await sendJobControl(tx, { organizationId: job.organizationId, jobId: job.id, action: input.action, text: input.text });
}
