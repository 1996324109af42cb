// A TCP relay on 127.0.0.1 in front of a real server (PostgreSQL), which a test can cut and
// restore: cut() drops every open connection and refuses new ones (as a stopped database
// would), restore() lets them through again. Its port stays the same throughout.
import net from 'node:net';

export type TcpRelay = { port: number; cut(): void; restore(): void; close(): Promise<void> };

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  let open = true;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the relay has no TCP port');
  return {
    port: address.port,
    cut() {
      open = false;
      for (const { client, upstream } of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
    },
    restore() {
      open = true;
    },
    close() {
      open = false;
      for (const { client, upstream } of [...pairs]) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
