import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortFree } from './ports.ts';

const servers: net.Server[] = [];
function listen(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen({ port, host }, () => resolve((server.address() as net.AddressInfo).port));
  });
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('findFreePort', () => {
  it('returns the preferred port when it is free', async () => {
    const port = await findFreePort();
    expect(await findFreePort(port)).toBe(port);
  });

  it('skips a port taken on 127.0.0.1', async () => {
    const taken = await listen(0, '127.0.0.1');
    expect(await isPortFree(taken)).toBe(false);
    const port = await findFreePort(taken);
    expect(port).not.toBe(taken);
    expect(await isPortFree(port)).toBe(true);
  });

  it('skips a port taken on all interfaces', async () => {
    const taken = await listen(0, '0.0.0.0');
    expect(await isPortFree(taken)).toBe(false);
    expect(await findFreePort(taken)).not.toBe(taken);
  });

  it('finds a run of consecutive free ports', async () => {
    const base = await findFreePort(undefined, { count: 3 });
    await listen(base + 1, '127.0.0.1');
    const port = await findFreePort(base, { count: 3 });
    expect(port === base || port === base + 1).toBe(false);
    for (let p = port; p < port + 3; p++) expect(await isPortFree(p)).toBe(true);
  });

  it('never returns an excluded port', async () => {
    const port = await findFreePort();
    expect(await findFreePort(port, { exclude: [port] })).not.toBe(port);
  });
});
