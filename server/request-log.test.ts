// The request id: one per HTTP request, on every line logged while it runs and in its answer.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/log/logger.ts';
import { poll } from '../test/support/poll.ts';
import { requestIdHeader } from '../lib/log/request-context.ts';
import { withRequestLog } from './request-log.ts';

type Line = { level: number; msg: string; reqId?: string; component?: string; path?: string; status?: number };
const lines: Line[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text));
    done();
  },
});
const log = createLogger({ level: 'debug', pretty: false, destination });
// A module's own child logger, made once and used from code the request reaches.
const domainLog = log.child({ component: 'domain' });

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(
    withRequestLog(log.child({ component: 'http' }), (req, res) => {
      domainLog.info({ path: req.url }, 'working on it');
      // Lines after an await and from a timer still belong to the request.
      void (async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        domainLog.info('still working');
        res.end(String(req.headers[requestIdHeader]));
      })();
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, requestId?: string) {
  const res = await fetch(`${base}${path}`, { headers: requestId === undefined ? {} : { [requestIdHeader]: requestId } });
  return { header: res.headers.get(requestIdHeader), seenByHandler: await res.text() };
}

/** The request's lines, once its "request answered" line is written (after the answer reaches the client). */
async function linesOf(path: string): Promise<Line[]> {
  await poll(`the line answering ${path}`, async () => lines.some((l) => l.path === path && l.msg === 'request answered'), 5000, 10);
  return lines.filter((l) => l.path === path || l.msg === 'still working');
}

describe('request ids in the log', () => {
  it('puts one id on every line a request causes, returns it, and keeps a well-formed id the caller sent', async () => {
    lines.length = 0;
    const answer = await get('/first', 'edge-7f3a.42:b_c');
    expect(answer).toEqual({ header: 'edge-7f3a.42:b_c', seenByHandler: 'edge-7f3a.42:b_c' });
    const own = await linesOf('/first');
    expect(own.map((l) => l.msg)).toEqual(['working on it', 'still working', 'request answered']);
    expect(new Set(own.map((l) => l.reqId))).toEqual(new Set(['edge-7f3a.42:b_c']));
    expect(own.at(-1)).toMatchObject({ component: 'http', status: 200 });
  });

  it('gives concurrent requests different ids and no line the wrong one', async () => {
    lines.length = 0;
    const answers = await Promise.all(['/a', '/b', '/c'].map((p) => get(p)));
    await Promise.all(['/a', '/b', '/c'].map((p) => linesOf(p)));
    const ids = answers.map((a) => a.header);
    expect(new Set(ids).size).toBe(3);
    for (const [i, path] of ['/a', '/b', '/c'].entries()) {
      const own = lines.filter((l) => l.path === path);
      expect(own.length).toBeGreaterThan(0);
      for (const line of own) expect(line.reqId).toBe(ids[i]);
    }
    expect(new Set(lines.filter((l) => l.msg === 'still working').map((l) => l.reqId))).toEqual(new Set(ids));
  });

  it('replaces an id with characters that could forge or break a log line, or one that is too long', async () => {
    for (const bad of ['abc def', 'x"}{"level":60', 'a'.repeat(65), '', 'ünïcode']) {
      lines.length = 0;
      const answer = await get('/bad', bad);
      expect(answer.header).toMatch(/^[A-Za-z0-9_-]{21}$/);
      expect(answer.header).not.toBe(bad);
      expect(answer.seenByHandler).toBe(answer.header);
      const own = await linesOf('/bad');
      expect(own.length).toBe(3);
      for (const line of own) expect(line.reqId).toBe(answer.header);
    }
  });

  it('writes no line outside a request with a request id', () => {
    lines.length = 0;
    domainLog.info('between requests');
    expect(lines).toEqual([expect.not.objectContaining({ reqId: expect.anything() })]);
  });
});
