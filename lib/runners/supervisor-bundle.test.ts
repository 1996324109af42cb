import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runnerHostLock, supervisorBundleArchive } from './supervisor-bundle.ts';

const packed = [
  { name: '@spedy/supervisor', version: '0.2.0', filename: 'spedy-supervisor-0.2.0.tgz', integrity: 'sha512-sup' },
  { name: '@spedy/protocol', version: '0.2.0', filename: 'spedy-protocol-0.2.0.tgz', integrity: 'sha512-pro' },
];

const platformLock = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'spedy', dependencies: { next: '^16', '@spedy/supervisor': '0.2.0' } },
    supervisor: { name: '@spedy/supervisor', version: '0.2.0', dependencies: { '@spedy/protocol': '0.2.0', dockerode: '^5', cli: '2', zod: '^3' }, bin: { 'spedy-supervisor': 'bin/x.js' } },
    protocol: { name: '@spedy/protocol', version: '0.2.0', dependencies: { zod: '^4' } },
    'supervisor/node_modules/zod': { version: '3.0.0', dev: true },
    'node_modules/@spedy/supervisor': { resolved: 'supervisor', link: true },
    'node_modules/@spedy/protocol': { resolved: 'protocol', link: true },
    'node_modules/next': { version: '16.0.0', dependencies: { react: '^19' } },
    'node_modules/react': { version: '19.0.0' },
    'node_modules/zod': { version: '4.6.7', integrity: 'sha512-zod' },
    'node_modules/dockerode': { version: '5.0.1', dev: true, dependencies: { 'docker-modem': '^5' } },
    'node_modules/dockerode/node_modules/docker-modem': { version: '5.0.0', devOptional: true },
    'node_modules/docker-modem': { version: '3.0.0' },
    'node_modules/cli': { version: '2.1.0', optionalDependencies: { 'cli-linux-x64': '2.1.0', 'cli-sunos': '2.1.0' } },
    'node_modules/cli-linux-x64': { version: '2.1.0', optional: true },
  },
};

describe('the runner host lock', () => {
  it('holds the packed packages and what they need, at the places Node finds them, and nothing of the platform', () => {
    const lock = runnerHostLock(platformLock, packed);
    expect(lock.packages['']).toEqual({ name: 'spedy-runner', dependencies: { '@spedy/supervisor': 'file:spedy-supervisor-0.2.0.tgz', '@spedy/protocol': 'file:spedy-protocol-0.2.0.tgz' } });
    expect(Object.keys(lock.packages).sort()).toEqual(
      [
        '',
        'node_modules/@spedy/protocol',
        'node_modules/@spedy/supervisor',
        'node_modules/@spedy/supervisor/node_modules/zod',
        'node_modules/cli',
        'node_modules/cli-linux-x64',
        'node_modules/dockerode',
        'node_modules/dockerode/node_modules/docker-modem',
        'node_modules/zod',
      ].sort(),
    );
    expect(lock.packages['node_modules/@spedy/supervisor']).toMatchObject({ version: '0.2.0', resolved: 'file:spedy-supervisor-0.2.0.tgz', integrity: 'sha512-sup', bin: { 'spedy-supervisor': 'bin/x.js' } });
    // Nothing on a runner host is a dev dependency.
    expect(lock.packages['node_modules/dockerode']).toEqual({ version: '5.0.1', dependencies: { 'docker-modem': '^5' } });
    expect(lock.packages['node_modules/dockerode/node_modules/docker-modem']).toEqual({ version: '5.0.0' });
    // Each workspace keeps its own copy where the platform's lock gives it one.
    expect(lock.packages['node_modules/@spedy/supervisor/node_modules/zod']).toEqual({ version: '3.0.0' });
    expect(lock.packages['node_modules/zod']).toMatchObject({ version: '4.6.7' });
  });

  it('refuses a lock that lacks a package the supervisor needs', () => {
    const { 'node_modules/zod': _zod, ...packages } = platformLock.packages;
    expect(() => runnerHostLock({ ...platformLock, packages }, packed)).toThrow('zod, needed by protocol, is not in the platform');
    expect(() => runnerHostLock(platformLock, [...packed, { ...packed[0]!, name: '@spedy/other' }])).toThrow('no workspace named @spedy/other');
  });
});

describe('the downloadable bundle', () => {
  it('is spedy-supervisor-<version>.tar.gz with the installer and both packages in a folder of that name, built once per process', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-bundle-archive-'));
    try {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const { version } = JSON.parse(fs.readFileSync(path.join(root, 'supervisor', 'package.json'), 'utf8')) as { version: string };
      const first = supervisorBundleArchive(root, cacheDir);
      expect(supervisorBundleArchive(root, cacheDir)).toBe(first);
      const archive = await first;
      expect(archive).toMatchObject({ filename: `spedy-supervisor-${version}.tar.gz`, version, size: fs.statSync(archive.file).size });
      const listing = execFileSync('tar', ['-tvzf', archive.file], { encoding: 'utf8' });
      const folder = `spedy-supervisor-${version}`;
      for (const file of ['setup.sh', 'Dockerfile', 'README.md', 'package.json', 'package-lock.json', `spedy-supervisor-${version}.tgz`]) {
        expect(listing).toMatch(new RegExp(` ${folder}/${file.replace(/\./g, '\\.')}\\n`));
      }
      expect(listing).toMatch(new RegExp(`^-rwx\\S* 0/0 .* ${folder}/setup\\.sh$`, 'm'));
      // Nothing but the archive stays behind (the staging folder is removed).
      expect(fs.readdirSync(cacheDir)).toEqual([archive.filename]);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);
});
