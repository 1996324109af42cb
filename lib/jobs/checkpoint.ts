// A runner saves its job's checkpoint (protocol/src/checkpoint.ts) after each finished
// step. Only the runner holding the job writes it, and only while the job is not over;
// every repository it names must be one of the job's, at the job's own ref.
import { sql } from 'drizzle-orm';
import { checkpointRef, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import { SpedyError } from '@spedy/protocol/errors';
import type { JobSnapshot } from '@spedy/protocol/wire';
import type { DbOrTx } from './db.ts';
import { assertJobNotFinished, findHeldJob } from './held-job.ts';

export async function saveJobCheckpoint(
  db: DbOrTx,
  runner: { id: string; organizationId: string },
  jobId: string,
  checkpoint: JobCheckpoint,
): Promise<{ savedAt: number }> {
  return db.transaction(async (tx) => {
    const job = await findHeldJob(tx, runner, jobId, { lock: true });
    assertJobNotFinished(job, 'its checkpoint can no longer change');
    const { rows } = await tx.execute<{ snapshot: JobSnapshot }>(sql`SELECT snapshot FROM secure.job_snapshot WHERE job_id = ${jobId}`);
    const repositories = new Set(rows[0]?.snapshot.repositories.map((repository) => repository.fullName) ?? []);
    for (const repository of checkpoint.repositories) {
      if (!repositories.has(repository.fullName)) throw new SpedyError('invalid', `${repository.fullName} is not a repository of this job.`);
      if (repository.ref !== checkpointRef(jobId)) throw new SpedyError('invalid', `The checkpoint of this job is pushed to ${checkpointRef(jobId)}, not ${repository.ref}.`);
    }
    await tx.execute(sql`UPDATE job SET checkpoint = ${JSON.stringify(checkpoint)}::jsonb, updated_at = ${Date.now()} WHERE id = ${jobId}`);
    return { savedAt: checkpoint.savedAt };
  });
}
