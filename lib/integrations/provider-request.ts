// One HTTP call to a git provider's REST API, with a deadline. Failures become a
// sentence for the person testing the connection; the token never appears in it.

export type ProviderResponse = { status: number; headers: Headers; body: unknown };

export class ProviderUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnreachableError';
  }
}

export const providerTimeoutMs = 10_000;

export async function providerRequest(
  url: string,
  /** Without `authorization`, an anonymous request (GitLab's public projects). */
  init: { method?: 'GET' | 'POST' | 'PUT'; authorization?: string; body?: unknown; timeoutMs?: number },
): Promise<ProviderResponse> {
  const origin = new URL(url).origin;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.authorization ? { authorization: init.authorization } : {}),
        'user-agent': 'Spedy',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'error',
      signal: AbortSignal.timeout(init.timeoutMs ?? providerTimeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ProviderUnreachableError(
      timedOut
        ? `${origin} did not answer within ${Math.round((init.timeoutMs ?? providerTimeoutMs) / 1000)} seconds. Check the API URL and that this server can reach it.`
        : `Could not reach ${origin}. Check the API URL and that this server can reach it.`,
    );
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body };
}

/** The provider's own error text (GitHub: `message`, Bitbucket: `error.message`), if any. */
export function providerMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  const nested = record.error;
  if (nested && typeof nested === 'object' && typeof (nested as Record<string, unknown>).message === 'string') {
    return (nested as Record<string, string>).message;
  }
  return undefined;
}
