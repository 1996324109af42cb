import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestText } from './http.ts';

// Two hosts on loopback (two origins): the API, and another one a redirect may point at.
let api: Server;
let other: Server;
let apiUrl = '';
let otherUrl = '';
const seen: { host: string; path: string; authorization?: string }[] = [];
const transport = { timeoutMs: 10_000, redirect: 'error' as const };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  other = createServer((req, res) => {
    seen.push({ host: 'other', path: req.url ?? '', authorization: req.headers.authorization });
    res.end('elsewhere');
  });
  otherUrl = await listen(other);
  api = createServer((req, res) => {
    seen.push({ host: 'api', path: req.url ?? '', authorization: req.headers.authorization });
    const redirects: Record<string, string> = { '/diff': '/diff/abc%0Ddef', '/away': `${otherUrl}/steal`, '/loop': '/loop' };
    if (redirects[req.url ?? '']) {
      res.writeHead(302, { location: redirects[req.url ?? ''] });
      return res.end();
    }
    if (req.url === '/missing') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ type: 'error', error: { message: 'Resource not found' } }));
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`diff of ${req.url}`);
  });
  apiUrl = await listen(api);
});

afterAll(() => {
  api?.close();
  other?.close();
});

describe('requestText', () => {
  it('follows a redirect within the origin, with the credential, whatever the transport’s rule', async () => {
    seen.length = 0;
    expect(await requestText('Bitbucket', transport, `${apiUrl}/diff`, { authorization: 'Bearer t' })).toBe('diff of /diff/abc%0Ddef');
    expect(seen).toEqual([
      { host: 'api', path: '/diff', authorization: 'Bearer t' },
      { host: 'api', path: '/diff/abc%0Ddef', authorization: 'Bearer t' },
    ]);
  });

  it('follows no redirect to another origin, and not forever', async () => {
    seen.length = 0;
    await expect(requestText('Bitbucket', transport, `${apiUrl}/away`, { authorization: 'Bearer t' })).rejects.toMatchObject({
      name: 'ProviderApiError',
      status: 302,
      message: `Bitbucket answered 302: a redirect to ${otherUrl}/steal was not followed`,
    });
    expect(seen.some((s) => s.host === 'other')).toBe(false);
    await expect(requestText('Bitbucket', transport, `${apiUrl}/loop`)).rejects.toMatchObject({ status: 302 });
  });

  it("reports a refusal with the host's words", async () => {
    await expect(requestText('Bitbucket', transport, `${apiUrl}/missing`)).rejects.toMatchObject({ status: 404, message: 'Bitbucket answered 404: Resource not found' });
  });
});
