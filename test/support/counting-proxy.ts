// An HTTP proxy on 127.0.0.1 in front of the platform that counts requests by path (the
// query left off), so a test can tell whether a client asked the platform or answered from
// its cache. WebSocket upgrades pass through untouched (and uncounted).
import http from 'node:http';
import net from 'node:net';

export type CountingProxy = { url: string; count(path: string): number; close(): Promise<void> };

export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const port = Number(target.port || 80);
  const seen = new Map<string, number>();
  const upgraded = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    seen.set(path, (seen.get(path) ?? 0) + 1);
    const upstream = http.request({ host: target.hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(port, target.hostname, () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('')}\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upgraded.add(socket).add(upstream);
    const drop = () => {
      upgraded.delete(socket);
      upgraded.delete(upstream);
      socket.destroy();
      upstream.destroy();
    };
    for (const s of [socket, upstream]) s.on('error', drop).on('close', drop);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The counting proxy has no TCP address.');
  return {
    url: `http://127.0.0.1:${address.port}`,
    count: (path) => seen.get(path) ?? 0,
    async close() {
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
