import fs from 'node:fs';
import path from 'node:path';

/** Used when apt's sources name no Debian mirror we can use. */
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
}

/** Entries of a one-line-style `sources.list` (`deb [options] uri suite components…`). */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    // Options may be written `[ arch=amd64 signed-by=… ]` with spaces inside the brackets.
    const words = line.replace(/\[[^\]]*\]/, ' ').split(/\s+/).filter(Boolean);
    const [type, uri, suite] = words;
    if (!type || !uri || !suite) continue;
    sources.push({ types: [type], uris: [uri], suites: [suite] });
  }
  return sources;
}

/** Stanzas of a deb822-style `.sources` file (fields Types, URIs, Suites; `Enabled: no` skips one). */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  const stanzas = text.split(/\n\s*\n/);
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const continuation = /^\s/.test(line);
      if (continuation && current) {
        fields.set(current, `${fields.get(current)} ${line.trim()}`);
        continue;
      }
      const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!match) continue;
      current = match[1]!.toLowerCase();
      fields.set(current, match[2]!.trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    const list = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    const source = { types: list('types'), uris: list('uris'), suites: list('suites') };
    if (source.types.length && source.uris.length && source.suites.length) sources.push(source);
  }
  return sources;
}

/** All entries apt reads: `/etc/apt/sources.list` and `sources.list.d/*.list` / `*.sources`. */
export function readAptSources(aptDir = '/etc/apt'): AptSource[] {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const sources = parseOneLineSources(read(path.join(aptDir, 'sources.list')));
  const partsDir = path.join(aptDir, 'sources.list.d');
  let parts: string[] = [];
  try {
    parts = fs.readdirSync(partsDir).sort();
  } catch {}
  for (const name of parts) {
    const file = path.join(partsDir, name);
    if (name.endsWith('.list')) sources.push(...parseOneLineSources(read(file)));
    else if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(read(file)));
  }
  return sources;
}

/**
 * The Debian mirror to bootstrap `suite` from: an HTTP(S) `deb` entry that
 * serves exactly that suite, else one that serves another Debian release (a
 * mirror holds them all), else deb.debian.org. Security and update suites are
 * not full mirrors and are passed over.
 */
export function debianMirror(suite: string, sources: AptSource[] = readAptSources()): string {
  const usable = sources.filter((s) => s.types.includes('deb'));
  const httpUri = (s: AptSource) => s.uris.find((u) => /^https?:\/\//.test(u));
  for (const source of usable) {
    const uri = httpUri(source);
    if (uri && source.suites.includes(suite)) return uri.replace(/\/+$/, '');
  }
  for (const source of usable) {
    const uri = httpUri(source);
    const releaseSuite = source.suites.some((s) => /^[a-z]+$/.test(s));
    if (uri && releaseSuite && !/security/.test(uri) && /debian/.test(uri)) return uri.replace(/\/+$/, '');
  }
  return DEFAULT_DEBIAN_MIRROR;
}
