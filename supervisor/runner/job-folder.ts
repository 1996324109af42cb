// What stays of a job on the runner. While a job may go on (running, Stopped, Waiting for
// Input) its folder keeps everything Continue needs. Once it is final, or the platform no
// longer counts it as this runner's, the work goes: the workspace with the clones, the
// agent's HOME with the CLI's session transcripts, skills and worktrees. Only the masked
// event log stays, for SPEDY_JOB_LOG_RETENTION_DAYS, for debugging.
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isFinalJobStatus, type JobStatus } from '@spedy/protocol/job-status';

/** The job's events as they left the supervisor (masked), one JSON object a line. */
export const eventLogName = 'events.jsonl';

/** Removes everything in the job's folder but its event log. */
export async function removeJobWork(jobDir: string): Promise<void> {
  const entries = await fs.readdir(jobDir).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => name !== eventLogName).map((name) => fs.rm(path.join(jobDir, name), { recursive: true, force: true, maxRetries: 3 })));
}

/** Appends masked events to the job's event log; writes are queued, never awaited by the caller. */
export function openEventLog(jobDir: string): { write(event: object): void; close(): Promise<void> } {
  let stream: WriteStream | undefined;
  return {
    write(event) {
      stream ??= createWriteStream(path.join(jobDir, eventLogName), { flags: 'a', mode: 0o600 }).on('error', () => undefined);
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close: () => new Promise((resolve) => (stream ? stream.end(() => resolve()) : resolve())),
  };
}

/**
 * Removes the folders of finished jobs whose event log is older than `retentionDays` (a
 * folder that still holds work belongs to a job that may go on, and stays). Returns the
 * job ids removed.
 */
export async function pruneJobLogs(jobsDir: string, retentionDays: number, options: { now?: number; keep?: ReadonlySet<string> } = {}): Promise<string[]> {
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  for (const jobId of await fs.readdir(jobsDir).catch(() => [] as string[])) {
    if (options.keep?.has(jobId)) continue;
    const dir = path.join(jobsDir, jobId);
    const entries = await fs.readdir(dir).catch(() => null);
    if (!entries || entries.some((name) => name !== eventLogName)) continue;
    const log = await fs.stat(path.join(dir, eventLogName)).catch(() => null);
    if (log && now - log.mtimeMs < retentionDays * 86_400_000) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(jobId);
  }
  return removed;
}

/** The platform's status of those of `jobIds` this runner holds; jobs it does not hold are left out. */
export type HeldJobStatuses = (jobIds: string[]) => Promise<{ id: string; status: JobStatus }[]>;

/** Job ids are nanoids; anything else in the jobs folder (`.board-tools`) is not a job's. */
const jobIdShape = /^[A-Za-z0-9_-]+$/;

/**
 * Removes the work of every job folder whose job is final or no longer this runner's on the
 * platform: jobs that ended, were cancelled or went to another runner while this supervisor
 * was away (a running job's lifecycle cleans up after itself). A job the runner still holds
 * keeps its folder, Stopped and Waiting for Input ones included: Continue needs it. `runsHere`
 * names the jobs this supervisor runs or keeps parked; their lifecycle owns their folders.
 * Returns the job ids whose work was removed.
 */
export async function sweepJobFolders(jobsDir: string, heldStatuses: HeldJobStatuses, runsHere: (jobId: string) => boolean): Promise<string[]> {
  const withWork: string[] = [];
  for (const jobId of await fs.readdir(jobsDir).catch(() => [] as string[])) {
    if (!jobIdShape.test(jobId) || runsHere(jobId)) continue;
    const entries = await fs.readdir(path.join(jobsDir, jobId)).catch(() => null);
    if (entries?.some((name) => name !== eventLogName)) withWork.push(jobId);
  }
  if (withWork.length === 0) return [];
  const held = new Map((await heldStatuses(withWork)).map((job) => [job.id, job.status]));
  const removed: string[] = [];
  for (const jobId of withWork) {
    const status = held.get(jobId);
    if (status !== undefined && !isFinalJobStatus(status)) continue;
    // Claimed here while the platform answered: its lifecycle owns the folder now.
    if (runsHere(jobId)) continue;
    await removeJobWork(path.join(jobsDir, jobId));
    removed.push(jobId);
  }
  return removed;
}
