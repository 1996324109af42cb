// The request a log line belongs to. server/main.ts runs each HTTP request inside
// runWithRequestId, and the logger (logger.ts) adds the id to every line written meanwhile,
// from any module. The store lives on globalThis: Next bundles its own copy of this file
// for the route handlers, and both copies must read the same context.
import { AsyncLocalStorage } from 'node:async_hooks';
import { nanoid } from 'nanoid';

export const requestIdHeader = 'x-request-id';

/**
 * An id a caller (a proxy, a load balancer, a runner) may pass on: short and made of token
 * characters only, so it cannot break a log line or pose as another field. UUIDs and W3C
 * trace ids fit.
 */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

type RequestContext = { requestId: string };

const key = Symbol.for('spedy.log.requestContext');
const store = globalThis as typeof globalThis & { [key]?: AsyncLocalStorage<RequestContext> };

function storage(): AsyncLocalStorage<RequestContext> {
  store[key] ??= new AsyncLocalStorage<RequestContext>();
  return store[key];
}

/** The caller's X-Request-Id when it is acceptable, otherwise a new one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : nanoid();
}

export function runWithRequestId<T>(requestId: string, run: () => T): T {
  return storage().run({ requestId }, run);
}

/** The id of the request this code runs for, if it runs for one. */
export function currentRequestId(): string | undefined {
  return storage().getStore()?.requestId;
}
