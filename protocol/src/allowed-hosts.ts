// A team's allowed hosts: the only places its agent and validation containers reach besides
// the model and the board tools, through the supervisor's egress proxy (supervisor/egress/).
// Each entry is host:port (a port is required: a team allows registry.npmjs.org:443, not
// every service of a host). The proxy still refuses loopback, private, link-local and
// metadata addresses (address-check.ts), whatever a team allows.
// No node: imports: the team settings page checks entries in the browser with the same rules.
import { z } from 'zod';

/** What "Allow the npm registry" adds. */
export const npmRegistryHost = 'registry.npmjs.org:443';
export const maxAllowedHosts = 50;

export type HostPort = { host: string; port: number };

const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** "Registry.npmjs.org:443" → { host: 'registry.npmjs.org', port: 443 }; "[fd12::1]:443" → { host: 'fd12::1', … }; null when malformed. */
export function parseHostPort(entry: string): HostPort | null {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(entry.trim());
  const match = bracketed ?? /^([^:[\]\s/]+):(\d{1,5})$/.exec(entry.trim());
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  const raw = match[1].toLowerCase();
  if (bracketed) {
    // IPv6 as URLs spell it (fd12:0::1 → fd12::1), so it compares with what a client asks for.
    try {
      return { host: new URL(`http://[${raw}]`).hostname.slice(1, -1), port };
    } catch {
      return null;
    }
  }
  if (/^[\d.]+$/.test(raw)) {
    const octets = raw.split('.');
    return octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255) ? { host: raw, port } : null;
  }
  return hostName.test(raw) ? { host: raw, port } : null;
}

/** The entry as stored and shown: lowercase, IPv6 in brackets. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export const allowedHost = z.string().transform((entry, ctx) => {
  const parsed = parseHostPort(entry);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `"${entry.trim()}" is not a host:port such as registry.npmjs.org:443` });
    return z.NEVER;
  }
  return formatHostPort(parsed);
});

/** A team's list: normalised, without duplicates. */
export const allowedHostList = z
  .array(allowedHost)
  .max(maxAllowedHosts, `A team allows at most ${maxAllowedHosts} hosts`)
  .transform((hosts) => [...new Set(hosts)]);

/** Whether `host:port` is on the list (host compared as parseHostPort normalises it). */
export function isAllowedHost(list: readonly string[], host: string, port: number): boolean {
  const wanted = parseHostPort(formatHostPort({ host: host.replace(/^\[|\]$/g, ''), port }));
  if (!wanted) return false;
  return list.some((entry) => {
    const allowed = parseHostPort(entry);
    return allowed !== null && allowed.host === wanted.host && allowed.port === wanted.port;
  });
}
