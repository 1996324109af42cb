// SIGTERM to a platform instance: it stops accepting, asks runners to reconnect elsewhere,
// finishes the request in flight and exits 0.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerSocketCloseCodes } from '@spedy/protocol/wire';
import { newRunnerOrg, openRunnerSocket, registerRunner, runnerApi, type RunnerOrg } from '../test/support/runners.ts';
import { refusesConnections, slowPost } from '../test/support/slow-request.ts';
import { testAppEnv, testStack } from '../test/support/stack-env.ts';
import { poll } from '../test/support/poll.ts';
import { startAppServer, type AppServerHandle } from '../stack/app-server.ts';
import { findFreePort } from '../stack/ports.ts';

let instance: AppServerHandle;
let org: RunnerOrg;

beforeAll(async () => {
  const env = testAppEnv();
  instance = await startAppServer({
    port: await findFreePort(3950),
    dataDir: path.join(testStack().dataDir ?? '.test-data', 'instance-shutdown'),
    env: {
      ...env,
      ...(env.SPEDY_DEV ? { SPEDY_NEXT_DIST_DIR: `${process.env.SPEDY_NEXT_DIST_DIR || '.next'}-instance-shutdown` } : {}),
    },
    timeoutMs: 150_000,
  });
  org = await newRunnerOrg('Graceful Shutdown Owner');
}, 180_000);

afterAll(async () => {
  await org?.closeDb();
  await instance?.stop();
});

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new connections, sends runners away to reconnect, finishes the request in flight and exits 0', async () => {
    const api = runnerApi(instance.url, org.token);
    const runnerId = await registerRunner(api, { name: 'shutdown-socket' });
    const socket = await openRunnerSocket(instance.url, runnerId, org.token);
    await socket.next('welcome');
    const socketClosed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));

    const slow = slowPost(`http://127.0.0.1:${instance.port}/api/v1/runners/register`, org.token, JSON.stringify({ name: 'registered-while-stopping', version: '1.0.0', capabilities: ['claude_code'], labels: [], poolSize: 1 }));
    await slow.accepted;

    process.kill(instance.pid, 'SIGTERM');
    await poll('the stopping instance refuses new connections', () => refusesConnections(instance.port), 15_000, 100);
    expect(await socketClosed).toBe(runnerSocketCloseCodes.goingAway);

    slow.finish();
    const answer = await slow.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ runnerId: expect.any(String) });

    expect(await instance.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
