// A TLS-terminating reverse proxy like the one a team puts in front of Spedy: HTTPS (and
// WebSocket upgrades) on a loopback port with a certificate generated per run, forwarded
// as plain HTTP to the app with X-Forwarded-For/-Proto/-Host, on loopback only.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export type TlsProxy = { port: number; close(): Promise<void> };

function forwardedHeaders(req: http.IncomingMessage): Record<string, string> {
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  return {
    'x-forwarded-for': prior ? `${prior}, ${client}` : client,
    'x-forwarded-proto': 'https',
    'x-forwarded-host': req.headers.host ?? '',
  };
}

export async function startTlsProxy(options: { hostname: string; upstreamPort: number }): Promise<TlsProxy> {
  const pems = await generate([{ name: 'commonName', value: options.hostname }], { keySize: 2048, algorithm: 'sha256' });
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: options.upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, ...forwardedHeaders(req) } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(options.upstreamPort, '127.0.0.1', () => {
      const headers = { ...req.headers, ...forwardedHeaders(req) };
      const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : value === undefined ? [] : [`${name}: ${value}`]));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.once('error', close);
    socket.once('error', close);
    upstream.once('close', close);
    socket.once('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
