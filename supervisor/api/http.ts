// HTTP to the runner API: the bearer token, JSON in and out, the answer checked against
// its wire schema, refusals turned into ApiError with the platform's own message, and
// every call under the one retry policy (retry.ts). The resource files (runners.ts,
// bootstrap.ts, jobs.ts, board.ts) each hold the calls of one resource.
import type { z } from 'zod';
import { errorResponse } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import { ApiError, parseRetryAfter, withRetry, type RetryPolicy } from './retry.ts';

export type RequestOptions<T> = {
  body?: unknown;
  query?: Record<string, string | undefined>;
  response: z.ZodType<T>;
  signal?: AbortSignal;
  /** false: one attempt (the caller retries, e.g. the streamer's resend loop). */
  retry?: boolean;
};

export type PlatformHttp = {
  request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions<T>): Promise<T>;
};

const requestTimeoutMs = 30_000;

export function createPlatformHttp(deps: {
  /** e.g. http://localhost:3000/api/v1 */
  apiUrl: string;
  token: string;
  policy?: RetryPolicy;
  onRetry?: (what: string, error: Error, attempt: number, delayMs: number) => void;
  fetch?: typeof fetch;
}): PlatformHttp {
  const doFetch = deps.fetch ?? fetch;

  async function once<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    const url = new URL(`${deps.apiUrl}/${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(requestTimeoutMs)]) : AbortSignal.timeout(requestTimeoutMs);
    const what = `${method} ${url.pathname}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        signal,
        headers: {
          authorization: `Bearer ${deps.token}`,
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const cause = toError(error);
      const detail = (cause.cause as { code?: string } | undefined)?.code ?? cause.message;
      throw new ApiError(`${what}: the platform did not answer (${detail}).`, 0, undefined, { cause });
    }
    const text = await res.text().catch(() => '');
    const json = parseJson(text);
    if (!res.ok) {
      const refusal = errorResponse.safeParse(json);
      const message = refusal.success ? refusal.data.error : `HTTP ${res.status} ${text.slice(0, 200)}`;
      throw new ApiError(`${what}: ${res.status} ${message}`, res.status, parseRetryAfter(res.headers.get('retry-after')), {
        refusal: refusal.success ? refusal.data.error : undefined,
      });
    }
    const parsed = options.response.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(`${what}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message}); is the platform the same version?`, res.status);
    }
    return parsed.data;
  }

  return {
    request(method, path, options) {
      if (options.retry === false) return once(method, path, options);
      return withRetry(() => once(method, path, options), {
        policy: deps.policy,
        signal: options.signal,
        onRetry: (error, attempt, delayMs) => deps.onRetry?.(`${method} ${path}`, error, attempt, delayMs),
      });
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
