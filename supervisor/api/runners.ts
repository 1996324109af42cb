// The runners resource: register (upsert by name, marks Online) and heartbeat.
import { heartbeatResponse, registerResponse, type HeartbeatResponse, type RegisterRequest } from '@spedy/protocol/wire';
import type { RunnerImageStatus } from '@spedy/protocol/runner-image';
import type { PlatformHttp } from './http.ts';

export type Registration = { runnerId: string; heartbeatIntervalSeconds: number; offlineTimeoutSeconds: number };

export function registerRunner(http: PlatformHttp, body: RegisterRequest, signal?: AbortSignal): Promise<Registration> {
  return http.request('POST', 'runners/register', { body, response: registerResponse, signal });
}

export function sendHeartbeat(http: PlatformHttp, body: { runnerId: string; activeJobIds: string[]; ackedControlIds?: string[]; image?: RunnerImageStatus }, signal?: AbortSignal): Promise<HeartbeatResponse> {
  return http.request('POST', 'runners/heartbeat', { body, response: heartbeatResponse, signal });
}

/** As many job ids as one heartbeat may report (heartbeatRequest in protocol/src/wire.ts). */
const heartbeatJobsMax = 64;

/**
 * The platform's status of those of `jobIds` this runner holds (others are left out): the
 * heartbeat's answer, asked over HTTP so it never takes the answer of the socket heartbeat,
 * which reports only the jobs that run here.
 */
export async function heldJobStatuses(http: PlatformHttp, runnerId: string, jobIds: string[], signal?: AbortSignal): Promise<HeartbeatResponse['jobs']> {
  const jobs: HeartbeatResponse['jobs'] = [];
  for (let at = 0; at < jobIds.length; at += heartbeatJobsMax) {
    const answer = await sendHeartbeat(http, { runnerId, activeJobIds: jobIds.slice(at, at + heartbeatJobsMax) }, signal);
    jobs.push(...answer.jobs);
  }
  return jobs;
}
