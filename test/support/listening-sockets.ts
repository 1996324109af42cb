// What a set of processes listens on, read from /proc (no traffic is sent anywhere):
// their socket inodes from /proc/<pid>/fd, matched with LISTEN rows of /proc/net/tcp{,6}.
import fs from 'node:fs';

export type ListeningSocket = { address: string; port: number };

/** Every process whose process group is one of `groupLeaders` (the launcher starts each service as a group). */
export function processesInGroups(groupLeaders: number[]): number[] {
  const leaders = new Set(groupLeaders);
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may contain spaces, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (leaders.has(Number(fields[2]))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [3, 2, 1, 0].map((i) => w.slice(i * 2, i * 2 + 2)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`.replace(/^0{1,3}/, ''));
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (mapped) return `::ffff:${decodeAddress(words[3].match(/.{2}/g)!.reverse().join(''))}`;
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** LISTEN sockets (TCP, IPv4 and IPv6) held by these processes. */
export function listeningSockets(pids: number[]): ListeningSocket[] {
  const inodes = socketInodes(pids);
  const found: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      const [addressHex, portHex] = cols[1].split(':');
      if (cols[3] !== '0A' || !inodes.has(cols[9])) continue;
      found.push({ address: decodeAddress(addressHex), port: Number.parseInt(portHex, 16) });
    }
  }
  return found;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
