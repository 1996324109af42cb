import { describe, expect, it } from 'vitest';
import { clientAddress, trustedProxies } from './client-address.ts';

const request = (remoteAddress: string, forwardedFor?: string) => ({
  socket: { remoteAddress } as never,
  headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
});

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), trustedProxies(''))).toBe('203.0.113.7');
  });

  it('believes X-Forwarded-For from a trusted proxy', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.1'), trustedProxies('loopback'))).toBe('198.51.100.1');
  });

  it('stops at the first untrusted hop, so a client cannot prepend a spoofed address', () => {
    const trust = trustedProxies('10.0.0.0/8');
    expect(clientAddress(request('10.1.2.3', '6.6.6.6, 198.51.100.1'), trust)).toBe('198.51.100.1');
  });

  it('does not believe a proxy that is not in the list', () => {
    expect(clientAddress(request('192.0.2.50', '198.51.100.1'), trustedProxies('10.0.0.0/8'))).toBe('192.0.2.50');
  });

  it('treats an IPv4-mapped IPv6 socket address as the IPv4 address', () => {
    expect(clientAddress(request('::ffff:127.0.0.1'), trustedProxies(''))).toBe('127.0.0.1');
  });

  it('refuses a malformed setting with a message naming it', () => {
    expect(() => trustedProxies('not-an-address')).toThrow(/SPEDY_TRUSTED_PROXIES/);
  });
});
