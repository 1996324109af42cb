// How the git-provider clients reach a host: one fetch with a deadline per request, the
// caller's cancel signal, and a failure to answer turned into a ProviderApiError (status 0)
// whose message names the host's origin and never the token.
import { answeredError, ProviderApiError } from './errors.ts';

/** A fetch-compatible function: the global one, or the platform's address-guarded one (lib/net). */
export type ProviderFetch = (url: string, init: RequestInit) => Promise<Response>;

export type ProviderTransport = {
  fetch?: ProviderFetch;
  /** Deadline of each request. */
  timeoutMs: number;
  /** Cancels every request of the client (a stopped job). An aborted request rethrows the abort as is. */
  signal?: AbortSignal;
  /** The platform refuses redirects (a URL a user typed); the supervisor follows them (GitHub's renamed repositories). */
  redirect: 'error' | 'follow';
};

/** The API base without trailing slashes: `{apiUrl}/repos/…` must not become `//repos` (GitHub Enterprise: …/api/v3). */
export const apiBase = (apiUrl: string) => apiUrl.replace(/\/+$/, '');

/** owner/name → owner/name with each segment encoded. */
export const encodePath = (fullName: string) => fullName.split('/').map(encodeURIComponent).join('/');

/** The fetch every client uses: deadline, redirect rule (`manual`: the caller follows them) and readable "did not answer" failures. */
export function providerFetch(transport: ProviderTransport, redirect: RequestRedirect = transport.redirect): ProviderFetch {
  const send = transport.fetch ?? ((url, init) => fetch(url, init));
  return async (url, init) => {
    const deadline = AbortSignal.timeout(transport.timeoutMs);
    const signals = [deadline, transport.signal, init.signal ?? undefined].filter((s): s is AbortSignal => s !== undefined);
    try {
      return await send(url, { ...init, redirect, signal: AbortSignal.any(signals) });
    } catch (error) {
      if (transport.signal?.aborted) throw error;
      const origin = new URL(url).origin;
      const message = deadline.aborted
        ? `${origin} did not answer within ${Math.round(transport.timeoutMs / 1000)} seconds. Check the API URL and that this server can reach it.`
        : `Could not reach ${origin}. Check the API URL and that this server can reach it.`;
      throw new ProviderApiError(message, 0, undefined, { cause: error });
    }
  };
}

export type ProviderAnswer = { status: number; headers: Headers; body: unknown };

/** One JSON request to a host's REST API (Bitbucket, GitLab); a non-2xx answer throws a ProviderApiError naming the host. */
export async function requestJson(
  host: string,
  transport: ProviderTransport,
  url: string,
  init: { method?: 'GET' | 'POST'; authorization?: string; body?: unknown } = {},
): Promise<ProviderAnswer> {
  const res = await providerFetch(transport)(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      'user-agent': 'Spedy',
      ...(init.authorization ? { authorization: init.authorization } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status < 200 || res.status >= 300) throw answeredError(host, res.status, body, text.slice(0, 200) || res.statusText);
  return { status: res.status, headers: res.headers, body };
}

/** Redirects `requestText` follows before it gives up. */
const maxRedirects = 3;

const parsedOrNull = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
};

/**
 * One GET of a text resource (Bitbucket's pull request diff, which the host answers with a
 * redirect to the diff of its commits). Redirects are followed here, whatever the transport's
 * rule, but only within the first URL's origin (the credential goes nowhere else), each hop a
 * request of its own through the transport (the platform's address guard checks every one).
 */
export async function requestText(host: string, transport: ProviderTransport, url: string, init: { authorization?: string } = {}): Promise<string> {
  const send = providerFetch(transport, 'manual');
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop += 1) {
    const res = await send(current, {
      method: 'GET',
      headers: { accept: 'text/plain', 'user-agent': 'Spedy', ...(init.authorization ? { authorization: init.authorization } : {}) },
    });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location) {
      const next = new URL(location, current);
      if (next.origin !== origin || hop >= maxRedirects) {
        await res.body?.cancel();
        throw new ProviderApiError(`${host} answered ${res.status}: a redirect to ${next.origin}${next.pathname} was not followed`, res.status);
      }
      await res.body?.cancel();
      current = next.href;
      continue;
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) throw answeredError(host, res.status, parsedOrNull(text), text.slice(0, 200) || res.statusText);
    return text;
  }
}
