// The platform's one error class and its one code list. Domain functions, Zero mutators,
// the route wrappers (`withSession`, `withRunnerToken`) and the runner socket all throw or
// map `SpedyError`; the code decides the HTTP status (or the socket's close).
// Messages reach a person (the browser, through zero-cache's mutation result) or the
// runner's log: they say what was wrong and what to do, and never reveal whether a row of
// another organization exists.

/** Every refusal the platform gives, and the HTTP status it maps to. */
export const errorCodes = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  rateLimited: 429,
} as const;
export type ErrorCode = keyof typeof errorCodes;

// zero-cache sends a thrown mutator error to the browser as its message plus
// `details: { name }` (no `details` property here, so only the name): keep both stable.
export class SpedyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds until a rate-limited caller may try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SpedyError';
  }

  get httpStatus(): number {
    return errorCodes[this.code];
  }
}

/** Thrown values are normalised once. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
