import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from './repositories.ts';
import { startGitRemote, type GitRemote } from './server.ts';

// Real git clients against the remote, over smart HTTP.

let remote: GitRemote;
let scratch: string;

beforeAll(async () => {
  remote = await startGitRemote({ token: 'secret-token' });
  scratch = await mkdtemp(join(tmpdir(), 'spedy-git-client-'));
});

afterAll(async () => {
  await remote?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// How the supervisor hands a token to git: a credential helper, never the URL.
function withToken(token: string): string[] {
  return ['-c', `credential.helper=!f() { echo username=x-access-token; echo password=${token}; }; f`];
}

describe('the git remote', () => {
  it('serves clone and push over HTTP with the token, and shows the pushed branch', async () => {
    const { cloneUrl } = await remote.createRepository('acme/app', { files: { 'README.md': '# App\n', 'src/index.js': 'export {};\n' } });
    const work = join(scratch, 'app');
    await git([...withToken('secret-token'), 'clone', '--quiet', cloneUrl, work]);
    expect(await readFile(join(work, 'src/index.js'), 'utf8')).toBe('export {};\n');
    expect(await git(['config', '--get', 'remote.origin.url'], work)).toBe(`${cloneUrl}\n`);

    await git(['switch', '--quiet', '-c', 'spedy/app-1'], work);
    await writeFile(join(work, 'hello.js'), "console.log('hi');\n");
    await git(['add', 'hello.js'], work);
    await git(['commit', '--quiet', '-m', 'Add hello.js'], work);
    await git([...withToken('secret-token'), 'push', '--quiet', 'origin', 'spedy/app-1'], work);

    expect(await remote.branches('acme/app')).toEqual(['main', 'spedy/app-1']);
    expect(await remote.readFile('acme/app', 'spedy/app-1', 'hello.js')).toBe("console.log('hi');\n");
    expect(await remote.readFile('acme/app', 'main', 'hello.js')).toBeUndefined();
  }, 30_000);

  it('inflates gzip request bodies (git sends them for fetches over 1 KiB)', async () => {
    const { cloneUrl } = await remote.createRepository('acme/gzip', { files: { 'a.txt': 'a' } });
    const head = (await git(['rev-parse', 'main'], join(remote.root, 'acme/gzip.git'))).trim();
    // A protocol v0 fetch: pkt-lines "want <sha>", flush, "done".
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const request = `${pkt(`want ${head}\n`)}0000${pkt('done\n')}`;
    const response = await fetch(`${cloneUrl}/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('x-access-token:secret-token').toString('base64')}`,
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
      },
      body: gzipSync(request),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 8).toString()).toBe('0008NAK\n');
    expect(body.subarray(8, 12).toString()).toBe('PACK');
    expect(remote.requests().at(-1)).toMatchObject({ path: '/acme/gzip.git/git-upload-pack', gzip: true, user: 'x-access-token' });
  }, 30_000);

  it('refuses a clone without a token or with a wrong one', async () => {
    const { cloneUrl } = await remote.createRepository('acme/private', { files: { 'a.txt': 'a' } });
    await expect(git(['clone', '--quiet', cloneUrl, join(scratch, 'none')])).rejects.toThrow(/Authentication failed|could not read Username/);
    await expect(git([...withToken('wrong-token'), 'clone', '--quiet', cloneUrl, join(scratch, 'wrong')])).rejects.toThrow(/Authentication failed/);
    const unauthorized = await fetch(`${cloneUrl}/info/refs?service=git-upload-pack`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(remote.requests().filter((request) => request.path.startsWith('/acme/private.git/git-upload-pack'))).toEqual([]);
  }, 30_000);

  it('accepts any user name with the token as password, and URLs without .git', async () => {
    await remote.createRepository('acme/site', { defaultBranch: 'trunk', files: { 'index.html': '<p>hi</p>' } });
    const url = remote.url.replace('http://', 'http://someone:secret-token@') + '/acme/site';
    await git(['clone', '--quiet', url, join(scratch, 'site')]);
    expect(await git(['branch', '--show-current'], join(scratch, 'site'))).toBe('trunk\n');
  }, 30_000);

  it('needs no credentials when started without a token', async () => {
    const open = await startGitRemote();
    try {
      const { cloneUrl } = await open.createRepository('acme/open', {});
      const work = join(scratch, 'open');
      await git(['clone', '--quiet', cloneUrl, work]);
      await git(['commit', '--quiet', '--allow-empty', '-m', 'First'], work);
      await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], work);
      expect(await open.branches('acme/open')).toEqual(['main']);
    } finally {
      await open.stop();
    }
  }, 30_000);
});
