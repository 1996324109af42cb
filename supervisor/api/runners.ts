// The runners resource: register (upsert by name, marks Online) and heartbeat.
import { heartbeatResponse, registerResponse, type HeartbeatResponse, type RegisterRequest } from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';

export type Registration = { runnerId: string; heartbeatIntervalSeconds: number; offlineTimeoutSeconds: number };

export function registerRunner(http: PlatformHttp, body: RegisterRequest, signal?: AbortSignal): Promise<Registration> {
  return http.request('POST', 'runners/register', { body, response: registerResponse, signal });
}

export function sendHeartbeat(http: PlatformHttp, body: { runnerId: string; activeJobIds: string[]; ackedControlIds?: string[] }, signal?: AbortSignal): Promise<HeartbeatResponse> {
  return http.request('POST', 'runners/heartbeat', { body, response: heartbeatResponse, signal });
}
