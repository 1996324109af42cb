import { RunnerImageError } from '../supervisor/image/image-error.ts';

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

/** The details of an error, when it carries some (the runner image's build errors carry the failing command's output). */
export function errorDetails(err: unknown): string | undefined {
  return err instanceof StackError || err instanceof RunnerImageError ? err.details : undefined;
}
