// The runner's WebSocket to the platform: authenticated at the upgrade with the bearer
// token, every server message checked against the wire schema, requests answered by
// requestId, and reconnected with the retry policy's backoff whenever it drops (unless the
// platform refused the token: then reconnecting with it is pointless).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { runnerSocketCloseCodes, runnerSocketUrl, serverMessage, type RunnerMessage, type ServerMessage } from '@spedy/protocol/wire';
import { toError } from '@spedy/protocol/errors';
import { ApiError, backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry.ts';

/** The socket closed (or never opened) before the answer came: try again, or over HTTP. Status 0: no answer. */
export class SocketDownError extends ApiError {
  override name = 'SocketDownError';
  constructor(message: string) {
    super(message, 0);
  }
}

/** The platform answered a socket request with an `error` message. */
export class SocketRefusal extends Error {
  override name = 'SocketRefusal';
}

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };

export type RunnerSocket = {
  isOpen(): boolean;
  /** Sends if open; false otherwise (the caller falls back to HTTP). */
  send(message: RunnerMessage): boolean;
  /** Sends a request (claim, status) and resolves with the message that answers its requestId. */
  request(message: Extract<RunnerMessage, { requestId: string }>, timeoutMs?: number): Promise<ServerMessage>;
  newRequestId(): string;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Called after each (re)connection once the platform said welcome. */
  onWelcome(listener: () => void): () => void;
  /** Drops the current connection as a network failure would (it reconnects). For tests and for a dead peer. */
  drop(): void;
  close(): Promise<void>;
};

/** Without a ping or a message for this long, the connection is presumed dead (the platform pings every 30 s). */
const silenceLimitMs = 75_000;
const defaultRequestTimeoutMs = 15_000;

export function connectRunnerSocket(deps: {
  apiUrl: string;
  token: string;
  runnerId: string;
  log: Log;
  /** The platform refused the token: stop using it (the supervisor exits). */
  onTokenRefused: (reason: string) => void;
  policy?: RetryPolicy;
}): RunnerSocket {
  const policy: RetryPolicy = { ...(deps.policy ?? defaultRetryPolicy), maxDelayMs: Math.min(deps.policy?.maxDelayMs ?? 30_000, 30_000) };
  const url = runnerSocketUrl(deps.apiUrl, deps.runnerId);
  const listeners = new Set<(message: ServerMessage) => void>();
  const welcomeListeners = new Set<() => void>();
  const pending = new Map<string, { resolve: (m: ServerMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let ws: WebSocket | null = null;
  let open = false;
  let closed = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let silenceTimer: NodeJS.Timeout | undefined;

  const failPending = (reason: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new SocketDownError(reason));
      pending.delete(id);
    }
  };

  const heardFromPeer = (socket: WebSocket) => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => {
      deps.log.warn({ silenceMs: silenceLimitMs }, 'runner socket silent; reconnecting');
      socket.terminate();
    }, silenceLimitMs);
  };

  function connect(): void {
    if (closed) return;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${deps.token}` }, handshakeTimeout: 15_000 });
    ws = socket;
    let refusedToken = false;

    socket.on('open', () => {
      open = true;
      heardFromPeer(socket);
    });
    socket.on('ping', () => heardFromPeer(socket));
    socket.on('message', (data, isBinary) => {
      heardFromPeer(socket);
      if (isBinary) return;
      const message = parseServerMessage(String(data));
      if (!message) {
        deps.log.warn({ preview: String(data).slice(0, 200) }, 'ignored a malformed message from the platform');
        return;
      }
      if (message.type === 'welcome') {
        failures = 0;
        deps.log.info({ runnerId: message.runnerId }, 'runner socket connected');
        for (const l of welcomeListeners) l();
      }
      const requestId = 'requestId' in message ? message.requestId : undefined;
      const waiter = requestId ? pending.get(requestId) : undefined;
      if (requestId && waiter) {
        pending.delete(requestId);
        clearTimeout(waiter.timer);
        if (message.type === 'error') waiter.reject(new SocketRefusal(message.message));
        else waiter.resolve(message);
        return;
      }
      for (const l of listeners) l(message);
    });
    socket.on('unexpected-response', (_req, res) => {
      // Refused at the upgrade: 401 means the token itself is refused.
      if (res.statusCode === 401) refusedToken = true;
      deps.log.warn({ status: res.statusCode }, 'the platform refused the runner socket');
      res.resume();
      socket.terminate();
    });
    socket.on('error', (error) => deps.log.debug({ err: toError(error).message }, 'runner socket error'));
    socket.on('close', (code, reason) => {
      open = false;
      clearTimeout(silenceTimer);
      if (ws === socket) ws = null;
      failPending('The runner socket closed before the platform answered.');
      if (closed) return;
      if (refusedToken || code === runnerSocketCloseCodes.tokenRefused) {
        deps.onTokenRefused(reason.toString() || 'The platform refused the runner token.');
        return;
      }
      failures++;
      const delay = backoffDelay(failures, policy);
      deps.log.info({ code, delayMs: delay }, 'runner socket closed; reconnecting');
      reconnectTimer = setTimeout(connect, delay);
    });
  }

  connect();

  return {
    isOpen: () => open && ws?.readyState === WebSocket.OPEN,
    send(message) {
      if (!open || ws?.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    },
    request(message, timeoutMs = defaultRequestTimeoutMs) {
      return new Promise((resolve, reject) => {
        if (!open || ws?.readyState !== WebSocket.OPEN) return reject(new SocketDownError('The runner socket is not open.'));
        const timer = setTimeout(() => {
          pending.delete(message.requestId);
          reject(new SocketDownError(`No answer to ${message.type} within ${timeoutMs} ms.`));
        }, timeoutMs);
        pending.set(message.requestId, { resolve, reject, timer });
        ws.send(JSON.stringify(message));
      });
    },
    newRequestId: () => randomUUID(),
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onWelcome(listener) {
      welcomeListeners.add(listener);
      return () => welcomeListeners.delete(listener);
    },
    drop() {
      ws?.terminate();
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      clearTimeout(silenceTimer);
      const socket = ws;
      if (!socket || socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => socket.terminate(), 2000);
        socket.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        socket.close(1000, 'Supervisor shutting down');
      });
    },
  };
}

function parseServerMessage(text: string): ServerMessage | null {
  try {
    const parsed = serverMessage.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
