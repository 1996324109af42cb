// The real client address of a request. X-Forwarded-For is believed only from the
// proxies the operator names in SPEDY_TRUSTED_PROXIES (addresses, CIDR ranges, or the
// words loopback / linklocal / uniquelocal); from anyone else it is ignored, so a client
// cannot pick the address that rate limits count.
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustedProxies = (address: string, hop: number) => boolean;

/** Parses the operator's list once; an empty list trusts no proxy. Throws on a malformed entry. */
export function trustedProxies(setting: string): TrustedProxies {
  const entries = setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return () => false;
  try {
    return proxyAddr.compile(entries);
  } catch (err) {
    throw new Error(`SPEDY_TRUSTED_PROXIES: ${(err as Error).message} (expected addresses or CIDR ranges, comma-separated, e.g. "127.0.0.1,10.0.0.0/8")`);
  }
}

/** The first address in the forwarding chain that is not a trusted proxy. */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust: TrustedProxies): string {
  if (!req.socket.remoteAddress) return 'unknown';
  return normalise(proxyAddr(req as IncomingMessage, trust));
}

/** ::ffff:127.0.0.1 and 127.0.0.1 are one client. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
