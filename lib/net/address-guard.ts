// The address guard: a URL a person typed (a git integration's API URL, a GitLab project
// address) is fetched by the platform only if the host resolves to public addresses, so that
// nobody reaches the platform's own network (zero-cache's change-streamer, PostgreSQL, the
// cloud metadata service) through a form field.
//
// Every request resolves the host once, checks every address it got (address-kind.ts), and
// connects to the address it checked: a name that answers public first and 127.0.0.1 on a
// second lookup (DNS rebinding) never gets the second lookup. Redirects are refused by the
// callers, and each request gets its own connection, so nothing skips the check.
//
// SPEDY_ALLOWED_INTERNAL_HOSTS (environment only; "host" or "host:port", comma-separated)
// admits named hosts on loopback or private addresses, such as a team's GitHub Enterprise.
// Link-local and metadata addresses stay refused whatever it says.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { getConfig } from '../config.ts';
import { addressKind } from './address-kind.ts';
import { allowedInternalHostsVariable, parseAllowedInternalHosts } from './allowed-internal-hosts.ts';

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address it has (dns.lookup with `all`); injected by tests. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

export type AddressGuardOptions = {
  /** The value of SPEDY_ALLOWED_INTERNAL_HOSTS. */
  allowedInternalHosts?: string;
  lookup?: HostLookup;
};

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function createAddressGuard(options: AddressGuardOptions = {}) {
  const allowed = parseAllowedInternalHosts(options.allowedInternalHosts);
  const lookup = options.lookup ?? systemLookup;
  const isAllowed = (host: string, port: number) => allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));

  /** Resolves `hostname` once and returns the address to connect to, or refuses (before any socket opens). */
  async function checkedAddress(hostname: string, port: number): Promise<ResolvedAddress> {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await lookup(host);
    if (addresses.length === 0) throw new AddressRefusedError(`${host} has no address.`);
    for (const { address } of addresses) {
      const kind = addressKind(address);
      const named = family ? host : `${host} (${address})`;
      if (kind === 'never') {
        throw new AddressRefusedError(
          `Spedy does not fetch ${named}: it is a link-local, cloud metadata or otherwise special address, which ${allowedInternalHostsVariable} cannot admit.`,
        );
      }
      if (kind === 'internal' && !isAllowed(host, port)) {
        throw new AddressRefusedError(
          `Spedy does not fetch ${named}: it is a loopback or private network address. If this is your own server (a GitHub Enterprise, for example), the operator can admit it by adding ${host.includes(':') ? `[${host}]` : host}:${port} to ${allowedInternalHostsVariable}.`,
        );
      }
    }
    return addresses[0];
  }

  const connectChecked = buildConnector({});
  const connector: buildConnector.connector = (connection, callback) => {
    const port = Number(connection.port) || (connection.protocol === 'https:' ? 443 : 80);
    checkedAddress(connection.hostname, port).then(
      ({ address }) => {
        const name = connection.hostname.replace(/^\[|\]$/g, '');
        // TLS still verifies the certificate against the name that was asked for.
        connectChecked({ ...connection, hostname: address, servername: connection.servername ?? (isIP(name) ? undefined : name) }, callback);
      },
      (error: Error) => callback(error, null),
    );
  };

  /** fetch for URLs a person typed. The whole body is read before the request's own connection closes. */
  async function guardedFetch(url: string, init: RequestInit): Promise<Response> {
    const dispatcher = new Agent({ connect: connector });
    try {
      const res = await undiciFetch(url, {
        method: init.method,
        headers: Object.fromEntries(new Headers(init.headers)),
        body: typeof init.body === 'string' ? init.body : undefined,
        redirect: init.redirect,
        signal: init.signal,
        dispatcher,
      });
      const body = await res.arrayBuffer();
      return new Response(body.byteLength === 0 ? null : body, { status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers) });
    } catch (error) {
      // undici reports a connector's refusal as TypeError("fetch failed", { cause }).
      if (error instanceof TypeError && error.cause instanceof AddressRefusedError) throw error.cause;
      throw error;
    } finally {
      void dispatcher.destroy();
    }
  }

  return { checkedAddress, fetch: guardedFetch };
}

export type AddressGuard = ReturnType<typeof createAddressGuard>;

let platformGuard: AddressGuard | undefined;

/** The platform's guard, configured from SPEDY_ALLOWED_INTERNAL_HOSTS on first use. */
export function platformAddressGuard(): AddressGuard {
  platformGuard ??= createAddressGuard({ allowedInternalHosts: getConfig().SPEDY_ALLOWED_INTERNAL_HOSTS });
  return platformGuard;
}

/** The guard's refusal behind an error (a provider client wraps it as "did not answer"), if that is what stopped the request. */
export function addressRefusalIn(error: unknown): AddressRefusedError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof AddressRefusedError) return current;
  }
  return undefined;
}
