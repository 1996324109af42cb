// A platform instance started as the launcher starts it: its request ids reach the lines that
// Next's route handlers write, and a second signal during a long drain ends it at once.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../test/support/poll.ts';
import { loopbackAddress, newRunnerOrg, type RunnerOrg } from '../test/support/runners.ts';
import { refusesConnections, slowPost } from '../test/support/slow-request.ts';
import { testAppEnv, testStack } from '../test/support/stack-env.ts';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';

let instance: AppServerHandle;
let org: RunnerOrg;

beforeAll(async () => {
  const env = testAppEnv();
  instance = await startAppServer({
    port: await findFreePort(3960),
    dataDir: path.join(testStack().dataDir ?? '.test-data', 'instance-logs'),
    env: {
      ...env,
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-instance-logs` } : {}),
      SPEDY_LOG_LEVEL: 'debug',
      SPEDY_LOG_FORMAT: 'json',
      // Longer than the test may take: only the second signal can end the drain in time.
      SPEDY_SHUTDOWN_TIMEOUT_MS: '120000',
    },
    timeoutMs: 150_000,
  });
  org = await newRunnerOrg('Instance Logs Owner');
}, 180_000);

afterAll(async () => {
  await org?.closeDb();
  await instance?.stop();
});

type LogLine = { level: number; msg: string; reqId?: string; component?: string; status?: number; path?: string };

async function logLines(): Promise<LogLine[]> {
  const text = await readFile(instance.logFile, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** A runner API call with a token the platform never issued, and the request id given. */
function refusedRegister(requestId: string, token: string): Promise<{ status: number; requestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${instance.port}/api/v1/runners/register`, {
      method: 'POST',
      localAddress: loopbackAddress(),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ name: 'never-registered', version: '1.0.0', capabilities: ['claude_code'], labels: [], poolSize: 1 }));
  });
}

describe('a platform instance’s logs and signals', () => {
  it('writes the request id on the lines of a Next route and of the server, returns it, and never the token', async () => {
    const token = 'spedy_rt_not-a-token-the-platform-issued-0123456789';
    const answer = await refusedRegister('probe.logs-1', token);
    expect(answer).toEqual({ status: 401, requestId: 'probe.logs-1' });

    const lines = await poll(
      'the refused request’s lines in app.log',
      async () => {
        const own = (await logLines()).filter((l) => l.reqId === 'probe.logs-1');
        return own.some((l) => l.msg === 'request answered') && own;
      },
      10_000,
      100,
    );
    // The refusal's reason comes from the runner API's wrapper, in Next's bundle of the route.
    expect(lines).toContainEqual(expect.objectContaining({ component: 'runner-api', status: 401 }));
    expect(lines).toContainEqual(expect.objectContaining({ component: 'http', msg: 'request answered', path: '/api/v1/runners/register', status: 401 }));

    const forged = await refusedRegister('forged id","level":60', token);
    expect(forged.status).toBe(401);
    expect(forged.requestId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    await poll('the second request’s lines under its new id', async () => (await logLines()).some((l) => l.reqId === forged.requestId && l.msg === 'request answered'), 10_000, 100);

    const text = await readFile(instance.logFile, 'utf8');
    expect(text).not.toContain('forged id');
    expect(text).not.toContain('not-a-token-the-platform-issued');
  }, 60_000);

  it('exits at once on a second SIGTERM while a request keeps the drain waiting', async () => {
    const slow = slowPost(`http://127.0.0.1:${instance.port}/api/v1/runners/register`, org.token, JSON.stringify({ name: 'in-flight', version: '1.0.0', capabilities: ['claude_code'], labels: [], poolSize: 1 }));
    await slow.accepted;
    const outcome = slow.response.then(
      (r) => `answered ${r.status}`,
      (error: NodeJS.ErrnoException) => `failed: ${error.code}`,
    );

    process.kill(instance.pid, 'SIGTERM');
    await poll('the draining instance refuses new connections', () => refusesConnections(instance.port), 15_000, 100);
    process.kill(instance.pid, 'SIGTERM');

    // 128 + SIGTERM, long before the 120 s drain timeout (the test's own timeout is 60 s).
    expect(await instance.exited).toEqual({ code: 143, signal: null });
    expect(await outcome).toMatch(/^failed: /);
    const shutdown = await poll('the shutdown lines in app.log', async () => {
      const own = (await logLines()).filter((l) => l.component === 'shutdown');
      return own.some((l) => l.msg === 'SIGTERM again: exiting now') && own;
    }, 10_000, 100);
    expect(shutdown.map((l) => l.msg)).not.toContain('stopped');
  }, 60_000);
});
