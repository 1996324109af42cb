/** An error whose message is a one-paragraph explanation, with optional details (e.g. a log tail) to print below it. */
export class StackError extends Error {
  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'StackError';
  }
}

/** The details of an error, when it carries some. */
export function errorDetails(err: unknown): string | undefined {
  return err instanceof StackError ? err.details : undefined;
}
