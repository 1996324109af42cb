// The runner API's one error class. Domain functions throw it with a code; the HTTP
// wrapper and the runner socket map the code to a status or an `error` message.
// Messages reach the runner's log: they say what was wrong and what to do, and never
// reveal whether a row of another organization exists.

export const RunnerErrorCode = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  rateLimited: 429,
} as const;
export type RunnerErrorCode = keyof typeof RunnerErrorCode;

export class RunnerError extends Error {
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    /** Seconds until a rate-limited caller may try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RunnerError';
  }

  get httpStatus(): number {
    return RunnerErrorCode[this.code];
  }
}

/** Thrown values are normalised once. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
