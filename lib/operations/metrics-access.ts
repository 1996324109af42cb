// Who may read /metrics. On a localhost install: requests from loopback, judged by the real
// client address (SPEDY_TRUSTED_PROXIES applied), because a proxy on the same host makes
// every socket look local. Anywhere else: the bearer token SPEDY_METRICS_TOKEN, and nobody
// while it is not set.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isLocalhostUrl } from '../auth/sign-up-policy.ts';

export type MetricsAccess = { allowed: true } | { allowed: false; status: 401 | 403 | 404; message: string };

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

export function decideMetricsAccess(
  settings: { publicUrl: string; token: string | undefined },
  request: { clientAddress: string; authorization: string | undefined },
): MetricsAccess {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.authorization ?? '')?.[1]?.trim();
  if (settings.token && bearer !== undefined && sameSecret(bearer, settings.token)) return { allowed: true };
  if (isLocalhostUrl(settings.publicUrl) && isLoopbackAddress(request.clientAddress)) return { allowed: true };
  if (!settings.token) {
    if (isLocalhostUrl(settings.publicUrl)) return { allowed: false, status: 403, message: 'Metrics are open to loopback only on this install; set SPEDY_METRICS_TOKEN to read them from elsewhere with a bearer token.' };
    return { allowed: false, status: 404, message: 'Metrics are off: set SPEDY_METRICS_TOKEN and send it as a bearer token to read /metrics.' };
  }
  if (bearer === undefined) return { allowed: false, status: 401, message: 'Send the metrics token (SPEDY_METRICS_TOKEN) as "Authorization: Bearer <token>".' };
  return { allowed: false, status: 403, message: 'This is not the metrics token (SPEDY_METRICS_TOKEN).' };
}

/** Compared as SHA-256 digests in constant time, so neither content nor length shows in the timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
