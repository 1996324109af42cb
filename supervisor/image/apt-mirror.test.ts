import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEBIAN_MIRROR, debianMirror, parseDeb822Sources, parseOneLineSources, readAptSources } from './apt-mirror.ts';

const deb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('apt mirror', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the mirror serving bookworm from a deb822 .sources file', () => {
    expect(debianMirror('bookworm', parseDeb822Sources(deb822))).toBe('http://deb.debian.org/debian');
  });

  it('reads one-line entries with bracketed options and skips deb-src and comments', () => {
    const sources = parseOneLineSources(
      [
        '# deb http://old.example/debian bookworm main',
        'deb-src http://src.example/debian bookworm main',
        'deb [ arch=amd64 signed-by=/k.gpg ] http://mirror.example/debian/ bookworm main contrib',
      ].join('\n'),
    );
    expect(debianMirror('bookworm', sources)).toBe('http://mirror.example/debian');
  });

  it('uses a mirror of another release, never the security archive, and falls back to deb.debian.org', () => {
    const trixie = parseOneLineSources(
      'deb http://security.debian.org/debian-security trixie-security main\ndeb http://ftp.example/debian trixie main',
    );
    expect(debianMirror('bookworm', trixie)).toBe('http://ftp.example/debian');
    expect(debianMirror('bookworm', parseOneLineSources('deb https://packages.cloud.google.com/apt cloud-sdk main'))).toBe(
      DEFAULT_DEBIAN_MIRROR,
    );
  });

  it('honours Enabled: no and ignores files apt does not read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-apt-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'sources.list.d'));
    fs.writeFileSync(
      path.join(dir, 'sources.list.d', 'a.sources'),
      'Enabled: no\nTypes: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\n',
    );
    fs.writeFileSync(path.join(dir, 'sources.list.d', 'b.list.disabled'), 'deb http://ignored.example/debian bookworm main\n');
    fs.writeFileSync(path.join(dir, 'sources.list.d', 'c.list'), 'deb http://used.example/debian bookworm main\n');
    expect(debianMirror('bookworm', readAptSources(dir))).toBe('http://used.example/debian');
  });
});
