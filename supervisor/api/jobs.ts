// The jobs resource over HTTP: claim, status and events (the socket carries the same
// three; platform.ts picks the socket when it is open and falls back to these), and the
// job's checkpoint (HTTP only).
import type { JobStatus } from '@spedy/protocol/job-status';
import { claimResponse, eventsResponse, statusResponse, type ClaimedJob, type JobEventInput } from '@spedy/protocol/wire';
import { checkpointResponse, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import type { PlatformHttp } from './http.ts';

export type StatusDetails = { reason?: string; result?: Record<string, unknown> };

/** One attempt: a claim is not idempotent (a retry after a lost answer could take a second job). */
export async function claimJobOverHttp(http: PlatformHttp, runnerId: string, jobId?: string, signal?: AbortSignal): Promise<ClaimedJob | null> {
  const { job } = await http.request('POST', 'runners/jobs/claim', { body: { runnerId, jobId }, response: claimResponse, signal, retry: false });
  return job;
}

export async function reportStatusOverHttp(
  http: PlatformHttp,
  runnerId: string,
  jobId: string,
  status: JobStatus,
  details: StatusDetails = {},
  signal?: AbortSignal,
): Promise<JobStatus> {
  const body = { runnerId, status, reason: details.reason, result: details.result };
  const answer = await http.request('POST', `runners/jobs/${encodeURIComponent(jobId)}/status`, { body, response: statusResponse, signal });
  return answer.status;
}

/** One attempt: the streamer resends until acknowledged, on its own schedule. */
export async function sendEventsOverHttp(http: PlatformHttp, runnerId: string, jobId: string, events: JobEventInput[], signal?: AbortSignal): Promise<number> {
  const answer = await http.request('POST', `runners/jobs/${encodeURIComponent(jobId)}/events`, {
    body: { runnerId, events },
    response: eventsResponse,
    signal,
    retry: false,
  });
  return answer.ackedSeq;
}

/** Idempotent (the same checkpoint again changes nothing), so the usual retries apply. */
export async function saveCheckpointOverHttp(http: PlatformHttp, runnerId: string, jobId: string, checkpoint: JobCheckpoint, signal?: AbortSignal): Promise<void> {
  await http.request('POST', `runners/jobs/${encodeURIComponent(jobId)}/checkpoint`, { body: { runnerId, checkpoint }, response: checkpointResponse, signal });
}
