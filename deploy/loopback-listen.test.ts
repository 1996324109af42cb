import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const preload = fileURLToPath(new URL('./loopback-listen.cjs', import.meta.url));

/** Starts servers the ways zero-cache does, with the preload, and reports their addresses. */
function addressesWithPreload(): string[] {
  const script = `
    const net = require('node:net');
    const http = require('node:http');
    const servers = [net.createServer(), http.createServer(), net.createServer(), net.createServer()];
    const done = [];
    const listening = (server) => () => {
      done.push(server.address().address);
      if (done.length === servers.length) { console.log(JSON.stringify(done)); servers.forEach((s) => s.close()); }
    };
    servers[0].listen(0, listening(servers[0]));
    servers[1].listen(0, '::', listening(servers[1]));
    servers[2].listen({ port: 0, host: '0.0.0.0' }, listening(servers[2]));
    servers[3].listen({ port: 0 }, listening(servers[3]));
  `;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` }, encoding: 'utf8' });
  return JSON.parse(out.trim());
}

describe('loopback-listen preload', () => {
  it('puts every wildcard or missing listen host on 127.0.0.1', () => {
    const addresses = addressesWithPreload();
    expect(addresses).toHaveLength(4);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
  });
});
