// A person stops a job: it becomes Stopped through the status machine, and the runner
// holding it (if any; a Ready job is simply not offered any more) is told to stop, in the
// same transaction. Continue undoes it (./resume.ts).
import { SpedyError } from '@spedy/protocol/errors';
import { sendJobControl } from './control.ts';
import type { DbOrTx } from './db.ts';
import { lockJob, transitionJob } from './transition.ts';

export async function stopJob(tx: DbOrTx, input: { organizationId: string; jobId: string; reason: string }): Promise<void> {
  const job = await lockJob(tx, input.organizationId, input.jobId);
  if (!job) throw new SpedyError('notFound', 'No such job in this organization.');
  await transitionJob(tx, job, { to: 'stopped', reason: input.reason });
  if (job.runnerId) await sendJobControl(tx, { organizationId: job.organizationId, jobId: job.id, action: 'stop' });
}
