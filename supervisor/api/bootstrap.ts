// The bootstrap resource: the organization's secrets, decrypted (the only answer that
// carries plain values; the supervisor keeps it in memory only).
import { bootstrapResponse, type BootstrapResponse } from '@spedy/protocol/wire';
import type { PlatformHttp } from './http.ts';

export function fetchBootstrap(http: PlatformHttp, signal?: AbortSignal): Promise<BootstrapResponse> {
  return http.request('GET', 'runners/bootstrap', { response: bootstrapResponse, signal });
}
