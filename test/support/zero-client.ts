import { Zero, type AnyMutatorRegistry, type ZeroOptions } from '@rocicorp/zero';
import WebSocket from 'ws';
import type { ZeroContext } from '../../lib/auth/context.ts';
import { mutators } from '../../zero/mutators.ts';
import { schema } from '../../zero/schema.gen.ts';

// Zero reads globalThis.WebSocket when it connects; Node 20 has none.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;

export type NodeZero = Zero<typeof schema, undefined, ZeroContext>;

/** A Zero client outside the browser: in-memory store, auth by session token. */
export function connectZero(opts: {
  cacheURL: string;
  userID: string;
  token: string;
  context: ZeroContext;
  /** A hostile client registers mutators of its own. */
  mutators?: AnyMutatorRegistry;
  /** A separate local store; two clients with one userID in one process would otherwise share it. */
  storageKey?: string;
}): NodeZero {
  const options: ZeroOptions<typeof schema, undefined, ZeroContext> = {
    cacheURL: opts.cacheURL,
    userID: opts.userID,
    auth: opts.token,
    schema,
    mutators: (opts.mutators ?? mutators) as typeof mutators,
    context: opts.context,
    kvStore: 'mem',
    storageKey: opts.storageKey,
    logLevel: 'error',
    // Refused mutations are what many tests expect; Zero logs each one as an error.
    logSink: {
      log: (level, context, ...args) => {
        const text = args.map(String).join(' ');
        if (!/app error on (server|client)/.test(text)) console.error(`[zero ${level}]`, context ?? '', ...args);
      },
    },
    // The browser default reloads the page; a Node client has none to reload.
    onUpdateNeeded: () => {},
  };
  return new Zero(options);
}

/** Waits until `predicate` holds for a live query's data, or fails after `timeoutMs`. */
export async function waitForData<T>(
  view: { data: T; addListener(cb: (data: T) => void): () => void },
  predicate: (data: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  if (predicate(view.data)) return view.data;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`live query did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(view.data)}`));
    }, timeoutMs);
    const unsubscribe = view.addListener((data) => {
      if (predicate(data)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(data);
      }
    });
  });
}
