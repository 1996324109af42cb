// What a git host's API refused or failed. One error type for GitHub, Bitbucket and GitLab,
// on both sides: the platform turns it into a sentence for the person linking or testing,
// the supervisor's retry policy retries it on 429, 5xx and no answer (status 0).

export class ProviderApiError extends Error {
  override name = 'ProviderApiError';
  constructor(
    message: string,
    /** The HTTP status; 0 when the host did not answer (network failure, timeout, refused address). */
    readonly status: number,
    /** The host's own words (GitHub `message`, Bitbucket `error.message`), if it gave any. */
    readonly said?: string,
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
  }
}

/**
 * The host's own message from an error body (GitHub `message`, Bitbucket `error.message`);
 * with `details`, GitHub's `errors[].message` follow in brackets.
 */
export function providerMessage(body: unknown, options: { details?: boolean } = {}): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { message?: unknown; error?: { message?: unknown } | null; errors?: unknown };
  const main = typeof record.message === 'string' ? record.message : typeof record.error?.message === 'string' ? record.error.message : undefined;
  if (!options.details || main === undefined || !Array.isArray(record.errors)) return main;
  const details = record.errors
    .map((e) => (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' ? e.message : null))
    .filter((m): m is string => m !== null);
  return details.length > 0 ? `${main} (${details.join('; ')})` : main;
}

/** "GitHub answered 403: Resource not accessible by personal access token" */
export function answeredError(host: string, status: number, body: unknown, fallback: string): ProviderApiError {
  const said = providerMessage(body);
  return new ProviderApiError(`${host} answered ${status}: ${providerMessage(body, { details: true }) ?? fallback}`, status, said);
}
