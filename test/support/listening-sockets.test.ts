import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopback, listeningSockets } from './listening-sockets.ts';

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, host, () => resolve(server));
  });
}

describe('listeningSockets', () => {
  it('finds this process’s listening sockets with their addresses', async () => {
    const loopback = await listen('127.0.0.1');
    const wildcard = await listen('::');
    try {
      const sockets = listeningSockets([process.pid]);
      const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
      expect(sockets).toContainEqual({ address: '127.0.0.1', port: port(loopback) });
      const open = sockets.find((s) => s.port === port(wildcard));
      expect(open).toBeDefined();
      expect(isLoopback(open!.address)).toBe(false);
    } finally {
      loopback.close();
      wildcard.close();
    }
  });
});
