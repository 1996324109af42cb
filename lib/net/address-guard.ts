// The address guard: a URL a person typed (a git integration's API URL, a GitLab project
// address) is fetched by the platform only if the host resolves to public addresses, so that
// nobody reaches the platform's own network (zero-cache's change-streamer, PostgreSQL, the
// cloud metadata service) through a form field.
//
// The check itself (resolve once, check every address, connect to the checked one) is
// protocol/src/address-check.ts, shared with the supervisor's egress proxy. Redirects are
// refused by the callers, and each request gets its own connection, so nothing skips it.
//
// SPEDY_ALLOWED_INTERNAL_HOSTS (environment only; "host" or "host:port", comma-separated)
// admits named hosts on loopback or private addresses, such as a team's GitHub Enterprise.
// Link-local and metadata addresses stay refused whatever it says.
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { AddressRefusedError, createAddressCheck, type HostLookup } from '@spedy/protocol/address-check';
import { getConfig } from '../config.ts';

export { AddressRefusedError, type HostLookup, type ResolvedAddress } from '@spedy/protocol/address-check';

export type AddressGuardOptions = {
  /** The value of SPEDY_ALLOWED_INTERNAL_HOSTS. */
  allowedInternalHosts?: string;
  lookup?: HostLookup;
};

export function createAddressGuard(options: AddressGuardOptions = {}) {
  const checkedAddress = createAddressCheck(options);

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
