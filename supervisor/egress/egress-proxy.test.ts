import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressCheck } from '@spedy/protocol/address-check';
import { createEgressProxy } from './egress-proxy.ts';
import { listenOnSocket } from './model-socket.ts';

// The egress proxy on a unix socket, as a container's relay reaches it. Only loopback test
// servers are contacted; refused addresses are refused before any socket opens.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-egress-'));
const socketPath = path.join(dir, 'egress.sock');
const refusals: object[] = [];
const log = { info: (obj: object) => refusals.push(obj), warn() {}, error() {}, debug() {} };
let proxy: http.Server;
let target: http.Server;
let other: http.Server;
let port: number;
let otherPort: number;

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Sends raw bytes to the proxy socket and returns everything it answered until it closed or `until` matched. */
function exchange(request: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (until?.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

beforeAll(async () => {
  target = http.createServer((req, res) => res.end(`allowed ${req.method} ${req.url} host=${req.headers.host}`));
  other = http.createServer((_req, res) => res.end('should never answer'));
  [port, otherPort] = await Promise.all([listen(target), listen(other)]);
  proxy = createEgressProxy({
    jobId: 'job_1',
    allowedHosts: [`localhost:${port}`, '169.254.169.254:80', `127.0.0.2:${port}`],
    // The test-only admission of a loopback server, as SPEDY_ALLOWED_INTERNAL_HOSTS gives it.
    check: createAddressCheck({ allowedInternalHosts: `localhost:${port}`, verb: 'connect to', lookup: async () => [{ address: '127.0.0.1', family: 4 }] }),
    log,
  });
  await listenOnSocket(proxy, socketPath);
});

afterAll(async () => {
  proxy.closeAllConnections();
  await Promise.all([proxy, target, other].map((server) => new Promise((resolve) => server.close(resolve))));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the egress proxy', () => {
  it('tunnels CONNECT to an allowed host and serves plain HTTP requests to it', async () => {
    const tunnel = await exchange(`CONNECT localhost:${port} HTTP/1.1\r\nhost: localhost:${port}\r\n\r\nGET /x HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`, /allowed GET/);
    expect(tunnel).toMatch(/^HTTP\/1.1 200 Connection Established\r\n\r\nHTTP\/1.1 200 OK/);
    expect(tunnel).toContain('allowed GET /x host=localhost');

    const plain = await exchange(`GET http://localhost:${port}/y?z=1 HTTP/1.1\r\nhost: localhost:${port}\r\nconnection: close\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1.1 200 OK/);
    expect(plain).toContain(`allowed GET /y?z=1 host=localhost:${port}`);
  });

  it('refuses hosts the team did not allow, naming where to allow them', async () => {
    const refused = await exchange(`CONNECT localhost:${otherPort} HTTP/1.1\r\n\r\n`);
    expect(refused).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(refused).toContain(`localhost:${otherPort} is not one of this team's allowed hosts`);
    const plain = await exchange(`GET http://localhost:${otherPort}/ HTTP/1.1\r\nhost: localhost:${otherPort}\r\nconnection: close\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(plain).not.toContain('should never answer');
    expect(refusals).toContainEqual(expect.objectContaining({ jobId: 'job_1', host: 'localhost', port: otherPort }));
  });

  it('refuses loopback the operator did not admit and metadata addresses even when a team allows them', async () => {
    const loopback = await exchange(`CONNECT 127.0.0.2:${port} HTTP/1.1\r\n\r\n`);
    expect(loopback).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(loopback).toContain('Spedy does not connect to 127.0.0.2: it is a loopback or private network address');
    const metadata = await exchange('CONNECT 169.254.169.254:80 HTTP/1.1\r\n\r\n');
    expect(metadata).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(metadata).toContain('link-local, cloud metadata');
  });

  it('refuses what is not a proxy request', async () => {
    expect(await exchange('CONNECT nonsense HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect(await exchange('GET /relative HTTP/1.1\r\nconnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 400 Bad Request/);
  });
});
