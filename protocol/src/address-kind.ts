// What kind of address an IP is, for the address check (address-check.ts):
//   public    — fetched freely;
//   internal  — loopback, private (RFC 1918), CGNAT, unique local IPv6: fetched only for a
//               host the operator named in SPEDY_ALLOWED_INTERNAL_HOSTS;
//   never     — link-local, cloud metadata, unspecified, multicast, reserved: refused whatever
//               the setting (a metadata service hands out the host's cloud credentials).
// IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as its IPv4 address (BlockList matches it so);
// NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::) as the IPv4 address they carry;
// the deprecated IPv4-compatible form (::a.b.c.d) is refused.
import { BlockList, isIP } from 'node:net';

export type AddressKind = 'public' | 'internal' | 'never';

function blockList(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

const never = blockList(
  [
    ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host on Linux
    ['169.254.0.0', 16], // link-local, 169.254.169.254 is the AWS/GCP/Azure metadata service
    ['100.100.100.200', 32], // Alibaba Cloud's metadata service (inside CGNAT space)
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, and the broadcast address
  ],
  [
    ['::', 128], // unspecified
    ['fe80::', 10], // link-local
    ['fd00:ec2::254', 128], // the AWS metadata service over IPv6 (inside fc00::/7)
    ['ff00::', 8], // multicast
  ],
);

const internal = blockList(
  [
    ['127.0.0.0', 8], // loopback
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10], // carrier-grade NAT
  ],
  [
    ['::1', 128], // loopback
    ['fc00::', 7], // unique local
  ],
);

const carriesIpv4 = blockList([], [['64:ff9b::', 96], ['2002::', 16]]);
// Deprecated IPv4-compatible addresses (::a.b.c.d); ::1 is the loopback inside this range.
const ipv4Compatible = blockList([], [['::', 96]]);

/** The IPv4 address a NAT64 or 6to4 address carries. */
function carriedIpv4(address: string): string | undefined {
  if (!carriesIpv4.check(address, 'ipv6')) return undefined;
  const groups = expandIpv6(address);
  const [high, low] = address.toLowerCase().startsWith('2002:') ? [groups[1], groups[2]] : [groups[6], groups[7]];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (an embedded dotted IPv4 tail included). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const first = head ? head.split(':') : [];
  const last = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - first.length - last.length).fill('0');
  return [...first, ...zeros, ...last].map((group) => parseInt(group, 16));
}

/** The kind of an IP address (v4 or v6, without brackets); anything that is not an IP is `never`. */
export function addressKind(address: string): AddressKind {
  const family = isIP(address);
  if (family === 0) return 'never';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const ipv4 = family === 6 ? carriedIpv4(address) : undefined;
  if (ipv4) return addressKind(ipv4);
  if (family === 6 && ipv4Compatible.check(address, 'ipv6') && !internal.check(address, 'ipv6')) return 'never';
  if (never.check(address, type)) return 'never';
  if (internal.check(address, type)) return 'internal';
  return 'public';
}
