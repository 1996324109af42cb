// Requests that stay in flight while a test stops the server, for the shutdown tests.
import http from 'node:http';
import net from 'node:net';
import { loopbackAddress } from './runners.ts';

/** A POST whose body the test sends in two parts: the server holds the request in flight between them. */
export function slowPost(url: string, token: string, body: string) {
  const req = http.request(url, {
    method: 'POST',
    localAddress: loopbackAddress(),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
  // 100 Continue: the server has read the headers, so the request counts as in flight.
  const accepted = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  const half = Math.floor(body.length / 2);
  return {
    accepted: accepted.then(() => void req.write(body.slice(0, half))),
    finish: () => req.end(body.slice(half)),
    response,
  };
}

export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
