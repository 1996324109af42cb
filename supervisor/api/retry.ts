// The supervisor's one retry policy. Whatever talks to the platform (HTTP requests,
// socket reconnects, event resends) waits by these rules:
//   429, 5xx and network failures are retried with exponential backoff and jitter, up to
//   a maximum number of attempts; a Retry-After from the platform is honoured;
//   any other 4xx is an answer (the request was wrong or refused) and is not retried.
import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '@spedy/protocol/errors';
import { ProviderApiError } from '@spedy/protocol/git-providers/errors';

export type RetryPolicy = {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The longest Retry-After the supervisor honours before trying again anyway. */
const maxRetryAfterMs = 5 * 60_000;

/** A refusal or failure from the platform. `status` 0: no HTTP answer (network, timeout). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown; refusal?: string },
  ) {
    super(message, { cause: options?.cause });
    this.refusal = options?.refusal;
  }

  /** The platform's own words (`{ error }`), written for people: safe to show an agent or a user. */
  readonly refusal?: string;
}

export function isRetryable(error: unknown): boolean {
  // A git host's refusal (pull requests) follows the same rule as the platform's.
  if (error instanceof ApiError || error instanceof ProviderApiError) return error.status === 0 || error.status === 429 || error.status >= 500;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return false;
  // fetch rejects with a TypeError ("fetch failed") whose cause is the socket error.
  return error instanceof TypeError;
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with
 * "equal jitter" (half fixed, half random) so a fleet of runners does not retry in step.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = defaultRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type RetryOptions = {
  policy?: RetryPolicy;
  signal?: AbortSignal;
  /** Called before each wait; for logging. */
  onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  random?: () => number;
};

/** Runs `fn` until it succeeds, fails with an error that is not retryable, or attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? defaultRetryPolicy;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const retryAfter = error instanceof ApiError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, maxRetryAfterMs) : 0;
      const delayMs = Math.max(backoffDelay(attempt, policy, options.random), retryAfter);
      options.onRetry?.(toError(error), attempt, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
