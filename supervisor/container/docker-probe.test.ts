import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerUnreachableError, findDockerEngine, pingDockerSocket, requireDockerEngine } from './docker-probe.ts';

describe('Docker engine discovery', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An HTTP server on a unix socket that answers `/_ping` like an engine. */
  async function fakeEngine(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-fake-docker-'));
    const socketPath = path.join(dir, 'docker.sock');
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return socketPath;
  }

  it('finds the engine named by a unix DOCKER_HOST when it answers /_ping', async () => {
    const socketPath = await fakeEngine();
    expect(await pingDockerSocket(socketPath)).toBe(true);
    expect(await findDockerEngine({ DOCKER_HOST: `unix://${socketPath}` }, '/nonexistent/docker.sock')).toBe(socketPath);
  });

  it('falls back to the system socket, and finds nothing when no engine answers', async () => {
    const socketPath = await fakeEngine();
    expect(await findDockerEngine({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, socketPath)).toBe(socketPath);
    expect(await findDockerEngine({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, '/nonexistent/docker.sock')).toBeNull();
    expect(await pingDockerSocket('/nonexistent/docker.sock')).toBe(false);
  });

  it('says where it looked and what to start or set when no engine answers', async () => {
    const missing = 'unix:///nonexistent/docker.sock';
    const refusal = requireDockerEngine(missing, '/nonexistent/system-docker.sock');
    await expect(refusal).rejects.toBeInstanceOf(DockerUnreachableError);
    await expect(refusal).rejects.toThrow(/No Docker engine answers at unix:\/\/\/nonexistent\/docker.sock: .*apt-get install -y docker.io .*set DOCKER_HOST=/);
  });
});
