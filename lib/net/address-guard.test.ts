// The address guard with an injected lookup: only loopback ever receives a packet here.
// Non-loopback addresses are checked with checkedAddress, which resolves and refuses
// without opening a socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKind } from '@spedy/protocol/address-kind';
import { AddressRefusedError, createAddressGuard, type HostLookup } from './address-guard.ts';
import { parseAllowedInternalHosts } from '@spedy/protocol/allowed-internal-hosts';

let server: Server;
let port: number;
let connections = 0;
const hostHeaders: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hostHeaders.push(req.headers.host ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A lookup that answers from a script, one answer per call, and counts its calls. */
function scriptedLookup(answers: Record<string, string[][]>) {
  const calls: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    calls.push(hostname);
    const next = answers[hostname]?.shift();
    if (!next) throw new Error(`no scripted answer for ${hostname}`);
    return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, calls };
}

describe('address kinds', () => {
  it.each([
    ['140.82.112.6', 'public'],
    ['127.0.0.1', 'internal'],
    ['10.0.0.5', 'internal'],
    ['172.16.0.1', 'internal'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'internal'],
    ['100.64.0.1', 'internal'],
    ['169.254.169.254', 'never'],
    ['0.0.0.0', 'never'],
    ['224.0.0.1', 'never'],
    ['2606:50c0:8000::153', 'public'],
    ['::1', 'internal'],
    ['fd12:3456::1', 'internal'],
    ['fe80::1', 'never'],
    ['fd00:ec2::254', 'never'],
    ['::', 'never'],
    ['ff02::1', 'never'],
    ['::ffff:127.0.0.1', 'internal'],
    ['::ffff:7f00:1', 'internal'],
    ['::ffff:169.254.169.254', 'never'],
    ['::ffff:0.0.0.0', 'never'],
    ['::ffff:140.82.112.6', 'public'],
    ['64:ff9b::a9fe:a9fe', 'never'],
    ['::127.0.0.1', 'never'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
});

describe('address guard', () => {
  it('refuses a name that resolved to a public address and then to 127.0.0.1, before any socket opens', async () => {
    const { lookup, calls } = scriptedLookup({ 'rebind.test': [['140.82.112.6'], ['127.0.0.1']] });
    const guard = createAddressGuard({ lookup });
    expect(await guard.checkedAddress('rebind.test', port)).toEqual({ address: '140.82.112.6', family: 4 });
    const before = connections;
    const refused = guard.fetch(`http://rebind.test:${port}/user`, { method: 'GET' });
    await expect(refused).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(refused).rejects.toThrow(/loopback or private network address.*SPEDY_ALLOWED_INTERNAL_HOSTS/);
    expect(connections).toBe(before);
    // One lookup per request: the address checked is the address used.
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
  });

  it('refuses loopback and private literals unless the operator named the host', async () => {
    const guard = createAddressGuard({ lookup: scriptedLookup({}).lookup });
    const before = connections;
    await expect(guard.fetch(`http://127.0.0.1:${port}/`, { method: 'GET' })).rejects.toThrow(`adding 127.0.0.1:${port} to SPEDY_ALLOWED_INTERNAL_HOSTS`);
    await expect(guard.fetch(`http://[::ffff:127.0.0.1]:${port}/`, { method: 'GET' })).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(guard.checkedAddress('10.1.2.3', 443)).rejects.toThrow(/private network address/);
    await expect(guard.checkedAddress('[fd12::1]', 443)).rejects.toThrow('adding [fd12::1]:443 to SPEDY_ALLOWED_INTERNAL_HOSTS');
    expect(connections).toBe(before);
  });

  it('admits a private host the operator listed, connecting to the address it checked', async () => {
    const { lookup, calls } = scriptedLookup({ 'ghe.internal': [['127.0.0.1'], ['127.0.0.1']] });
    const guard = createAddressGuard({ lookup, allowedInternalHosts: `github.example.com, ghe.internal:${port}` });
    // ghe.internal exists only in the scripted lookup: the answer proves no second lookup happened.
    const res = await guard.fetch(`http://ghe.internal:${port}/api/v3/user`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(hostHeaders.at(-1)).toBe(`ghe.internal:${port}`);
    expect(calls).toEqual(['ghe.internal']);
    // The same host on another port is not what the operator named.
    await expect(guard.checkedAddress('ghe.internal', port + 1)).rejects.toThrow(/loopback or private/);
  });

  it('admits a listed host on any port when the entry names no port', async () => {
    const guard = createAddressGuard({ allowedInternalHosts: '127.0.0.1' });
    const res = await guard.fetch(`http://127.0.0.1:${port}/`, { method: 'GET' });
    expect(res.status).toBe(200);
  });

  it('refuses link-local and metadata addresses even when the host is listed', async () => {
    const { lookup } = scriptedLookup({ 'metadata.internal': [['169.254.169.254']], 'v6meta.internal': [['fd00:ec2::254']], 'mixed.internal': [['140.82.112.6', 'fe80::1']] });
    const guard = createAddressGuard({ lookup, allowedInternalHosts: 'metadata.internal, v6meta.internal, mixed.internal, 169.254.169.254, [fd00:ec2::254]' });
    await expect(guard.checkedAddress('metadata.internal', 80)).rejects.toThrow(/link-local, cloud metadata.*SPEDY_ALLOWED_INTERNAL_HOSTS cannot admit/);
    await expect(guard.checkedAddress('v6meta.internal', 80)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(guard.checkedAddress('mixed.internal', 443)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(guard.checkedAddress('169.254.169.254', 80)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(guard.checkedAddress('[fd00:ec2::254]', 80)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(guard.checkedAddress('[::ffff:169.254.169.254]', 80)).rejects.toBeInstanceOf(AddressRefusedError);
  });

  it('refuses IPv6 loopback and the unspecified address', async () => {
    const { lookup } = scriptedLookup({ 'six.test': [['::1']] });
    const guard = createAddressGuard({ lookup, allowedInternalHosts: '[::]' });
    await expect(guard.checkedAddress('six.test', 443)).rejects.toThrow(/loopback or private/);
    await expect(guard.checkedAddress('[::]', 443)).rejects.toThrow(/cannot admit/);
    await expect(guard.checkedAddress('[::1]', 443)).rejects.toThrow('adding [::1]:443');
  });
});

describe('SPEDY_ALLOWED_INTERNAL_HOSTS', () => {
  it('reads hosts, host:port and bracketed IPv6', () => {
    expect(parseAllowedInternalHosts(' GHE.example.com , 10.0.0.5:8443,[fd12:0::1]:443, fd12::2 ')).toEqual([
      { host: 'ghe.example.com', port: undefined },
      { host: '10.0.0.5', port: 8443 },
      { host: 'fd12::1', port: 443 },
      { host: 'fd12::2', port: undefined },
    ]);
  });

  it('names the setting when an entry is not a host', () => {
    expect(() => parseAllowedInternalHosts('https://ghe.example.com')).toThrow(/SPEDY_ALLOWED_INTERNAL_HOSTS: "https:\/\/ghe.example.com" is not a host/);
    expect(() => parseAllowedInternalHosts('ghe:99999')).toThrow(/SPEDY_ALLOWED_INTERNAL_HOSTS/);
  });
});
