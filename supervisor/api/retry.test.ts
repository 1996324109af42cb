import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPlatformHttp } from './http.ts';
import { ApiError, backoffDelay, isRetryable, parseRetryAfter, withRetry } from './retry.ts';

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

function failing(errors: unknown[], result = 'ok') {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return result;
  };
  return { fn, calls: () => calls };
}

describe('retry policy', () => {
  it('retries 429, 5xx and network failures, then succeeds', async () => {
    const attempt = failing([new ApiError('busy', 429), new ApiError('down', 503), new TypeError('fetch failed')]);
    await expect(withRetry(attempt.fn, { policy: fast })).resolves.toBe('ok');
    expect(attempt.calls()).toBe(4);
  });

  it.each([400, 401, 403, 404, 409, 413])('does not retry a %i: the platform answered', async (status) => {
    const attempt = failing([new ApiError('refused', status)]);
    await expect(withRetry(attempt.fn, { policy: fast })).rejects.toMatchObject({ status });
    expect(attempt.calls()).toBe(1);
  });

  it('stops after the maximum number of attempts with the last error', async () => {
    const attempt = failing(Array.from({ length: 10 }, (_, i) => new ApiError(`down ${i + 1}`, 502)));
    await expect(withRetry(attempt.fn, { policy: fast })).rejects.toThrow('down 4');
    expect(attempt.calls()).toBe(4);
  });

  it('waits at least as long as Retry-After says', async () => {
    const waits: number[] = [];
    const attempt = failing([new ApiError('slow down', 429, 60)]);
    await withRetry(attempt.fn, { policy: fast, onRetry: (_e, _a, delayMs) => waits.push(delayMs) });
    expect(waits).toEqual([60]);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const attempt = failing(Array.from({ length: 10 }, () => new ApiError('down', 500)));
    const run = withRetry(attempt.fn, { policy: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000 }, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toThrow();
    expect(attempt.calls()).toBe(1);
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('classifies errors and parses Retry-After', () => {
    expect(isRetryable(new ApiError('no answer', 0))).toBe(true);
    expect(isRetryable(new DOMException('timed out', 'TimeoutError'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('platform HTTP client', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('sends the bearer token, retries a 503 and checks the answer against its schema', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const answers = [answer(503, { error: 'restarting' }), answer(200, { ok: true })];
    const http = createPlatformHttp({
      apiUrl: 'http://platform.test/api/v1',
      token: 'rnt_test',
      policy: fast,
      fetch: async (url, init) => {
        seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
        return answers.shift()!;
      },
    });
    await expect(http.request('GET', 'runners/bootstrap', { response: z.object({ ok: z.boolean() }), query: { a: 'b' } })).resolves.toEqual({ ok: true });
    expect(seen).toEqual([
      { url: 'http://platform.test/api/v1/runners/bootstrap?a=b', auth: 'Bearer rnt_test' },
      { url: 'http://platform.test/api/v1/runners/bootstrap?a=b', auth: 'Bearer rnt_test' },
    ]);
  });

  it("turns a refusal into an ApiError carrying the platform's message, without retrying", async () => {
    let calls = 0;
    const http = createPlatformHttp({
      apiUrl: 'http://platform.test/api/v1',
      token: 'rnt_test',
      policy: fast,
      fetch: async () => (calls++, answer(409, { error: 'A job that is Completed cannot become Running.' })),
    });
    const error = await http.request('POST', 'runners/jobs/j/status', { body: {}, response: z.object({}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, refusal: 'A job that is Completed cannot become Running.' });
    expect(calls).toBe(1);
  });
});
