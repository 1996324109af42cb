// The address check shared by the platform's address guard (lib/net/address-guard.ts, URLs a
// person typed) and the supervisor's egress proxy (supervisor/egress/, hosts a team allowed
// for its containers): resolve the host once, check every address it got (address-kind.ts),
// and hand back the address to connect to, so a name that answers public first and
// 127.0.0.1 on a second lookup (DNS rebinding) never gets the second lookup.
//
// SPEDY_ALLOWED_INTERNAL_HOSTS (environment only) admits named hosts on loopback or private
// addresses; link-local and metadata addresses stay refused whatever it says.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressKind } from './address-kind.ts';
import { allowedInternalHostsVariable, parseAllowedInternalHosts } from './allowed-internal-hosts.ts';

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address it has (dns.lookup with `all`); injected by tests. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

export type AddressCheckOptions = {
  /** The value of SPEDY_ALLOWED_INTERNAL_HOSTS. */
  allowedInternalHosts?: string;
  lookup?: HostLookup;
  /** What the refusal says Spedy does not do: "fetch" (the platform), "connect to" (the egress proxy). */
  verb?: string;
};

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Resolves `hostname` once and returns the address to connect to, or refuses (before any socket opens). */
export type AddressCheck = (hostname: string, port: number) => Promise<ResolvedAddress>;

export function createAddressCheck(options: AddressCheckOptions = {}): AddressCheck {
  const allowed = parseAllowedInternalHosts(options.allowedInternalHosts);
  const lookup = options.lookup ?? systemLookup;
  const verb = options.verb ?? 'fetch';
  const isAllowed = (host: string, port: number) => allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));

  return async (hostname, port) => {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await lookup(host);
    if (addresses.length === 0) throw new AddressRefusedError(`${host} has no address.`);
    for (const { address } of addresses) {
      const kind = addressKind(address);
      const named = family ? host : `${host} (${address})`;
      if (kind === 'never') {
        throw new AddressRefusedError(
          `Spedy does not ${verb} ${named}: it is a link-local, cloud metadata or otherwise special address, which ${allowedInternalHostsVariable} cannot admit.`,
        );
      }
      if (kind === 'internal' && !isAllowed(host, port)) {
        throw new AddressRefusedError(
          `Spedy does not ${verb} ${named}: it is a loopback or private network address. If this is your own server (a GitHub Enterprise, for example), the operator can admit it by adding ${host.includes(':') ? `[${host}]` : host}:${port} to ${allowedInternalHostsVariable}.`,
        );
      }
    }
    return addresses[0];
  };
}
