import { ApiError } from '../api/retry.ts';

/**
 * A git host's API refused or failed a request. It is an ApiError so the supervisor's one
 * retry policy (api/retry.ts) decides what is retried: 429, 5xx and no answer.
 */
export class ProviderApiError extends ApiError {
  override name = 'ProviderApiError';
}

/** The host's own message from an error body (GitHub `message`, Bitbucket `error.message`). */
export function providerMessage(body: unknown, fallback: string): string {
  if (typeof body !== 'object' || body === null) return fallback;
  const record = body as { message?: unknown; error?: { message?: unknown }; errors?: unknown };
  const main = typeof record.message === 'string' ? record.message : typeof record.error?.message === 'string' ? record.error.message : fallback;
  const details = Array.isArray(record.errors)
    ? record.errors
        .map((e) => (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' ? e.message : null))
        .filter((m): m is string => m !== null)
    : [];
  return details.length > 0 ? `${main} (${details.join('; ')})` : main;
}

/** Sends one JSON request to a git host's API; a refusal becomes a ProviderApiError naming the host. */
export async function providerRequest(
  host: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: unknown; signal?: AbortSignal },
): Promise<unknown> {
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      signal,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ProviderApiError(`${host} did not answer at ${new URL(url).origin}.`, 0, undefined, { cause: error });
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    throw new ProviderApiError(`${host} answered ${res.status}: ${providerMessage(body, text.slice(0, 200) || res.statusText)}`, res.status);
  }
  return body;
}
