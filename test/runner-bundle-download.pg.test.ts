// Settings → Runners' download: the runner bundle as spedy-supervisor-<version>.tar.gz, served to
// administrators by GET /api/orgs/:orgId/runners/bundle (HEAD tells its size), refused to others.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../stack/paths.ts';
import { signUp, type TestAccount } from './support/accounts.ts';
import { memberOf } from './support/org-api.ts';
import { testStack } from './support/stack-env.ts';

const run = promisify(execFile);
const work = fromRoot('.test-data', `bundle-download-${process.pid}`);
const { version } = JSON.parse(fs.readFileSync(fromRoot('supervisor', 'package.json'), 'utf8')) as { version: string };
const protocolVersion = (JSON.parse(fs.readFileSync(fromRoot('protocol', 'package.json'), 'utf8')) as { version: string }).version;
const folder = `spedy-supervisor-${version}`;

function bundleRequest(account: TestAccount | null, orgId: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
  const { appUrl } = testStack();
  return fetch(`${appUrl}/api/orgs/${orgId}/runners/bundle`, { method, headers: { origin: appUrl, ...(account ? { cookie: account.cookie } : {}) } });
}

describe('the supervisor bundle download', () => {
  let admin: TestAccount;
  let member: TestAccount;
  let outsider: TestAccount;

  beforeAll(async () => {
    fs.mkdirSync(work, { recursive: true });
    const { appUrl, databaseUrl } = testStack();
    admin = await signUp(appUrl, databaseUrl, 'Bundle Admin');
    member = await memberOf(admin, 'Bundle Member');
    outsider = await signUp(appUrl, databaseUrl, 'Bundle Outsider');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('gives an administrator a versioned tarball with setup.sh, the Dockerfile, the README and the supervisor', async () => {
    const head = await bundleRequest(admin, admin.orgID, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toBe(`attachment; filename="${folder}.tar.gz"`);
    expect(head.headers.get('x-spedy-supervisor-version')).toBe(version);
    const size = Number(head.headers.get('x-spedy-bundle-size'));
    expect(size).toBeGreaterThan(0);

    const res = await bundleRequest(admin, admin.orgID);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(size);
    const tarball = path.join(work, `${folder}.tar.gz`);
    fs.writeFileSync(tarball, body);

    const { stdout: listing } = await run('tar', ['-tvzf', tarball]);
    const entries = new Map(
      listing
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.split(/\s+/).at(-1) ?? '', line.split(/\s+/)[0] ?? ''] as const),
    );
    for (const file of ['setup.sh', 'Dockerfile', 'README.md', 'package.json', 'package-lock.json', `spedy-supervisor-${version}.tgz`, `spedy-protocol-${protocolVersion}.tgz`]) {
      expect(entries.has(`${folder}/${file}`), `${file} in the bundle`).toBe(true);
    }
    expect(entries.get(`${folder}/setup.sh`)).toMatch(/^-rwx/);

    // The README names the commands, and the packed supervisor carries its command.
    await run('tar', ['-xzf', tarball, '-C', work]);
    expect(fs.readFileSync(path.join(work, folder, 'README.md'), 'utf8')).toContain('./setup.sh');
    const { stdout: packed } = await run('tar', ['-tzf', path.join(work, folder, `spedy-supervisor-${version}.tgz`)]);
    expect(packed.split('\n')).toContain('package/bin/spedy-supervisor.js');
    expect(JSON.parse(fs.readFileSync(path.join(work, folder, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { '@spedy/supervisor': `file:spedy-supervisor-${version}.tgz` } });
  }, 120_000);

  it('refuses members who are not administrators, other organizations and anonymous requests', async () => {
    const asMember = await bundleRequest(member, admin.orgID);
    expect(asMember.status).toBe(403);
    expect(await asMember.json()).toEqual({ error: 'Only administrators can manage runners, runner tokens and jobs.' });
    expect((await bundleRequest(member, admin.orgID, 'HEAD')).status).toBe(403);

    const asOutsider = await bundleRequest(outsider, admin.orgID);
    expect(asOutsider.status).toBe(404);
    expect(asOutsider.headers.get('content-type')).not.toBe('application/gzip');
    expect((await bundleRequest(null, admin.orgID)).status).toBe(401);
  });
});
