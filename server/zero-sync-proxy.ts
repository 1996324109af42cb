// The browser's sync connection reaches zero-cache through the app's own origin: the one
// upgrade listener forwards `/zero/sync/v<N>/connect` to zero-cache on loopback, byte for
// byte. Nothing else of zero-cache is reachable this way (its change-streamer has no
// authentication, and its admin and status paths are the operator's).
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** The path component of ZERO_PUBLIC_URL; zero-cache accepts one optional base segment. */
export const zeroSyncBasePath = '/zero';
const syncPath = /^\/zero\/sync\/v\d+\/connect$/;

export function isZeroSyncPath(pathname: string): boolean {
  return syncPath.test(pathname);
}

/** Forwards one WebSocket upgrade to zero-cache at `upstream` (loopback host and port). */
export function forwardZeroSync(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: { host: string; port: number }): void {
  const upstreamSocket = net.connect(upstream.port, upstream.host);
  const fail = () => {
    upstreamSocket.destroy();
    socket.destroy();
  };
  upstreamSocket.once('error', () => {
    if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
    fail();
  });
  socket.once('error', fail);
  upstreamSocket.once('connect', () => {
    const headerLines: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headerLines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstreamSocket.write(`${req.method} ${req.url} HTTP/1.1\r\n${headerLines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstreamSocket.write(head);
    socket.pipe(upstreamSocket).pipe(socket);
  });
  upstreamSocket.once('close', () => socket.destroy());
  socket.once('close', () => upstreamSocket.destroy());
}
