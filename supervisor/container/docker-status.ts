/** The HTTP status of a failed Docker engine call (docker-modem sets `statusCode` on its errors). */
export function dockerStatusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  return typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

/**
 * A container that is already gone (404) or already being removed (409)
 * needs no further removal.
 */
export function isGoneOnRemove(err: unknown): boolean {
  const status = dockerStatusCode(err);
  return status === 404 || status === 409;
}
