import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJobSockets } from './job-sockets.ts';
import { relayContainerPath, relayPorts, socketsInContainer } from './relay.ts';

const socketsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-js-'));
const silent = { info() {}, warn() {}, error() {}, debug() {} };

function getOverSocket(socketPath: string, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: urlPath, headers: { host: 'x' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
      })
      .on('error', reject);
  });
}

afterAll(() => fs.rmSync(socketsDir, { recursive: true, force: true }));

describe('a job’s sockets', () => {
  it('serves the model and the board tools on sockets the runner user can open, wraps commands in the relay, and removes everything on close', async () => {
    const sockets = await openJobSockets({
      settings: { socketsDir, relayScript: path.join(socketsDir, 'relay.mjs'), limits: { memoryMb: 512, cpus: 1, pids: 64 } },
      jobId: 'job_1',
      allowedHosts: [],
      model: (req, res) => res.end(`model ${req.url}`),
      tools: (req, res) => res.end(`tools ${req.url}`),
      log: silent,
    });
    const [folder] = sockets.binds;
    expect(folder?.container).toBe(socketsInContainer);
    expect(Buffer.byteLength(path.join(folder!.host, 'egress.sock'))).toBeLessThan(108);
    expect(await getOverSocket(path.join(folder!.host, 'model.sock'), '/v1/messages')).toBe('200 model /v1/messages');
    expect(await getOverSocket(path.join(folder!.host, 'tools.sock'), '/tools')).toBe('200 tools /tools');
    expect(fs.statSync(path.join(folder!.host, 'model.sock')).mode & 0o777).toBe(0o666);

    expect(sockets.command(['claude', '-p', 'hi'])).toEqual([
      'node',
      relayContainerPath,
      `${relayPorts.model}=/spedy/s/model.sock`,
      `${relayPorts.egress}=/spedy/s/egress.sock`,
      `${relayPorts.tools}=/spedy/s/tools.sock`,
      '--',
      'claude',
      '-p',
      'hi',
    ]);
    expect(sockets.env).toMatchObject({ HTTPS_PROXY: `http://127.0.0.1:${relayPorts.egress}`, NO_PROXY: '127.0.0.1,localhost,::1' });
    expect(sockets.modelUrl).toBe(`http://127.0.0.1:${relayPorts.model}`);

    await sockets.close();
    expect(fs.existsSync(folder!.host)).toBe(false);
  });
});
