// The runners' WebSocket (`/api/v1/runners/ws?runnerId=…`): authenticated at upgrade with
// the same token check as HTTP, then claim / events / status / heartbeat messages in, and
// offers and control out. This instance keeps only its own open sockets; offers and
// control reach them through PostgreSQL notices, whichever instance caused them, and
// controls wait in PostgreSQL until the runner acknowledges them (lib/jobs/control.ts).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Db } from '../lib/db/client.ts';
import { claimJob } from '../lib/jobs/claim.ts';
import { ackControls, pendingControls } from '../lib/jobs/control.ts';
import { appendJobEvents } from '../lib/jobs/events.ts';
import { jobReadyNotice, jobsChannel, runnerControlChannel, runnerNotice } from '../lib/jobs/notices.ts';
import { reportJobStatus } from '../lib/jobs/transition.ts';
import { runnerMessage, runnerSocketCloseCodes, type RunnerMessage, type ServerMessage } from '@spedy/protocol/wire';
import { authenticateRunnerToken, clientAddressHeader, recheckRunnerToken, resolveRunner, type RunnerAuth } from '../lib/runners/authenticate.ts';
import { SpedyError, toError } from '@spedy/protocol/errors';
import { recordHeartbeat } from '../lib/runners/presence.ts';
import { maxBodyBytes, parseJsonText, parseRunnerValue } from '../lib/runners/request-body.ts';
import { listenForNotices } from './notice-listener.ts';
import { createOfferDispatcher } from './offer-dispatch.ts';
import { runnerTokenHashKey } from '../lib/secrets/keyring.ts';

type Connection = { ws: WebSocket; auth: RunnerAuth; runner: { id: string; organizationId: string; name: string }; alive: boolean };

export type RunnerSocketServer = {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
};

const pingIntervalMs = 30_000;

export async function startRunnerSocketServer(deps: { db: Db; databaseUrl: string; log: (line: string) => void }): Promise<RunnerSocketServer> {
  const { db, log } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  const local = new Map<string, Set<Connection>>(); // runnerId → this instance's sockets of that runner

  const send = (conn: Connection, message: ServerMessage) => {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(message));
  };
  const sendToRunner = (runnerId: string, message: ServerMessage) => {
    for (const conn of local.get(runnerId) ?? []) send(conn, message);
  };

  // Sends what the runner has not acknowledged to its sockets here; one read at a time per
  // runner, and one more if asked meanwhile (the runner ignores an id it already applied).
  const delivering = new Map<string, { again: boolean }>();
  const deliverControls = (runnerId: string) => {
    const current = delivering.get(runnerId);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false };
    delivering.set(runnerId, state);
    void (async () => {
      try {
        do {
          state.again = false;
          if (!local.has(runnerId)) return;
          for (const control of await pendingControls(db, runnerId)) sendToRunner(runnerId, control);
        } while (state.again);
      } catch (error) {
        log(`runner ${runnerId}: could not read its pending controls: ${toError(error).message}`);
      } finally {
        delivering.delete(runnerId);
      }
    })();
  };

  const dispatcher = createOfferDispatcher({
    db,
    localRunners: (organizationId) =>
      [...local.entries()].filter(([, conns]) => !organizationId || [...conns].some((c) => c.runner.organizationId === organizationId)).map(([id]) => id),
    offer: (runnerId, jobId) => sendToRunner(runnerId, { type: 'offer', jobId }),
    log,
  });

  const listener = await listenForNotices({
    databaseUrl: deps.databaseUrl,
    channels: [jobsChannel, runnerControlChannel],
    log,
    onNotice(channel, payload) {
      try {
        if (channel === jobsChannel) {
          const notice = jobReadyNotice.parse(JSON.parse(payload));
          dispatcher.jobReady(notice.jobId, notice.organizationId);
          return;
        }
        const notice = runnerNotice.parse(JSON.parse(payload));
        if (notice.kind === 'control') {
          deliverControls(notice.runnerId);
        } else if (notice.kind === 'ticket-changed') {
          sendToRunner(notice.runnerId, { type: 'ticket-changed', jobId: notice.jobId });
        } else if (notice.kind === 'capacity') {
          if (local.has(notice.runnerId)) dispatcher.runnerWake(notice.runnerId);
        } else {
          for (const conns of local.values()) {
            for (const conn of conns) {
              if (conn.auth.tokenId === notice.tokenId) conn.ws.close(runnerSocketCloseCodes.tokenRefused, 'Runner token revoked');
            }
          }
        }
      } catch (error) {
        log(`ignored a malformed ${channel} notice: ${toError(error).message}`);
      }
    },
    // Notices sent while the listener was away are lost: offer and send what waits to everyone here.
    onReconnect: () => {
      for (const runnerId of local.keys()) {
        dispatcher.runnerWake(runnerId);
        deliverControls(runnerId);
      }
    },
  });

  // A socket that missed a whole ping interval is dead (the runner reconnects when it notices).
  const ping = setInterval(() => {
    for (const conns of local.values()) {
      for (const conn of conns) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        if (conn.ws.readyState === conn.ws.OPEN) conn.ws.ping();
      }
    }
  }, pingIntervalMs);

  async function handle(conn: Connection, message: RunnerMessage): Promise<void> {
    const { runner } = conn;
    switch (message.type) {
      case 'claim':
        return send(conn, { type: 'claimed', requestId: message.requestId, job: await claimJob(db, runner.id, { jobId: message.jobId, tokenId: conn.auth.tokenId }) });
      case 'events': {
        const { ackedSeq } = await appendJobEvents(db, runner, message.jobId, message.events);
        return send(conn, { type: 'ack', jobId: message.jobId, ackedSeq });
      }
      case 'status': {
        const { status } = await reportJobStatus(db, runner, message.jobId, { status: message.status, reason: message.reason, result: message.result });
        return send(conn, { type: 'status-ok', requestId: message.requestId, status });
      }
      case 'heartbeat': {
        const { jobs, controls } = await recordHeartbeat(db, runner, message.activeJobIds, { ackedControlIds: message.ackedControlIds, image: message.image, draining: message.draining });
        return send(conn, { type: 'heartbeat-ok', jobs, ...(controls ? { controls } : {}) });
      }
      case 'control-ack':
        return ackControls(db, runner.id, message.controlIds);
    }
  }

  async function onMessage(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let ids: { requestId?: string; jobId?: string } = {};
    try {
      if (isBinary) throw new SpedyError('invalid', 'Send messages as JSON text frames.');
      const value = parseJsonText(rawText(data), 'The message');
      ids = correlationIds(value);
      const message = parseRunnerValue(runnerMessage, value, 'The message');
      // A claim checks the token inside its own statement (it is the hot path); the rest here.
      if (message.type !== 'claim') await recheckRunnerToken(db, conn.auth);
      await handle(conn, message);
    } catch (error) {
      if (!(error instanceof SpedyError)) log(`runner ${conn.runner.id}: message failed: ${toError(error).stack ?? toError(error).message}`);
      const message = error instanceof SpedyError ? error.message : 'The platform could not handle this message; it logged the details.';
      send(conn, { type: 'error', ...ids, message });
      // Revoked or expired since the socket opened: this token gets nothing more here.
      if (error instanceof SpedyError && error.code === 'unauthenticated') conn.ws.close(runnerSocketCloseCodes.tokenRefused, 'Runner token refused');
    }
  }

  function onConnection(ws: WebSocket, auth: RunnerAuth, runner: Connection['runner']): void {
    const conn: Connection = { ws, auth, runner, alive: true };
    const conns = local.get(runner.id) ?? new Set<Connection>();
    conns.add(conn);
    local.set(runner.id, conns);
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data, isBinary) => void onMessage(conn, data, isBinary));
    ws.on('error', (error) => log(`runner ${runner.id}: socket error: ${error.message}`));
    ws.on('close', () => {
      conns.delete(conn);
      if (conns.size === 0 && local.get(runner.id) === conns) local.delete(runner.id);
    });
    send(conn, { type: 'welcome', runnerId: runner.id });
    dispatcher.runnerWake(runner.id);
    deliverControls(runner.id);
  }

  function clientAddressOf(req: IncomingMessage): string {
    const set = req.headers[clientAddressHeader];
    return typeof set === 'string' ? set : (req.socket.remoteAddress ?? 'unknown');
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const auth = await authenticateRunnerToken(db, runnerTokenHashKey(), {
        authorization: req.headers.authorization ?? null,
        // server/main.ts sets the real client address (trusted-proxy rule) on every upgrade.
        address: clientAddressOf(req),
      });
      const runnerId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('runnerId');
      if (!runnerId) throw new SpedyError('invalid', 'Connect with ?runnerId=<the id that register returned>.');
      const runner = await resolveRunner(db, auth, runnerId);
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, auth, { id: runner.id, organizationId: runner.organizationId, name: runner.name }));
    } catch (error) {
      if (!(error instanceof SpedyError)) log(`runner socket upgrade failed: ${toError(error).message}`);
      refuseUpgrade(socket, error);
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      void upgrade(req, socket, head);
    },
    async close() {
      clearInterval(ping);
      await listener.close();
      for (const conns of local.values()) for (const conn of conns) conn.ws.close(runnerSocketCloseCodes.goingAway, 'Platform instance shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Before the upgrade, a refusal is a plain HTTP response with the API's `{ error }` body. */
function refuseUpgrade(socket: Duplex, error: unknown): void {
  const refusal = error instanceof SpedyError ? error : new SpedyError('invalid', 'The platform could not open the runner socket; it logged the details.');
  const status = error instanceof SpedyError ? refusal.httpStatus : 500;
  const body = JSON.stringify({ error: refusal.message });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(refusal.retryAfterSeconds !== undefined ? [`Retry-After: ${refusal.retryAfterSeconds}`] : []),
  ];
  if (!socket.destroyed) socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The requestId / jobId of a message, echoed in an `error` so the runner can match it even when the rest is malformed. */
function correlationIds(value: unknown): { requestId?: string; jobId?: string } {
  if (!value || typeof value !== 'object') return {};
  const requestId = 'requestId' in value ? value.requestId : undefined;
  const jobId = 'jobId' in value ? value.jobId : undefined;
  return {
    ...(typeof requestId === 'string' && requestId.length <= 200 ? { requestId } : {}),
    ...(typeof jobId === 'string' && jobId.length <= 200 ? { jobId } : {}),
  };
}
