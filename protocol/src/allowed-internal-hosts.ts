// SPEDY_ALLOWED_INTERNAL_HOSTS: the hosts on loopback or private addresses that the address
// check (address-check.ts) lets the platform fetch and the egress proxy connect to, such as a team's GitHub Enterprise.
// Read from the environment only (lib/config.ts, supervisor/config.ts), never from a form.
import { isIP } from 'node:net';

export const allowedInternalHostsVariable = 'SPEDY_ALLOWED_INTERNAL_HOSTS';

export type AllowedHost = { host: string; port?: number };

/** "ghe.example.com, 10.0.0.5:8443, [fd12::1]:443" → hosts with optional ports; a malformed entry fails fast, naming the variable. */
export function parseAllowedInternalHosts(value: string | undefined): AllowedHost[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? (isIP(entry) === 6 ? [entry, entry] : /^([^:\s/]+)(?::(\d+))?$/.exec(entry));
      const port = match?.[2] === undefined ? undefined : Number(match[2]);
      if (!match || (port !== undefined && (port < 1 || port > 65535))) {
        throw new Error(`${allowedInternalHostsVariable}: "${entry}" is not a host or host:port (e.g. github.example.com:443 or [fd12::1]:8443).`);
      }
      // IPv6 as URLs spell it (fd12:0::1 → fd12::1), so it compares with a URL's host.
      const host = isIP(match[1]) === 6 ? new URL(`http://[${match[1]}]`).hostname.slice(1, -1) : match[1].toLowerCase();
      return { host, port };
    });
}
