import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import { runToEnd, startRunnerTestKit, testContainerLimits, testSocketsDir, type RunnerTestKit } from '../../test/support/supervisor/runner-test-kit.ts';
import { poll } from '../../test/support/poll.ts';
import { CancelReason } from '../container/cancel-reason.ts';
import { removeOrphans } from '../container/remove.ts';
import { ContainerLabel, startContainer, type StageContainerSpec } from '../container/stage-container.ts';
import { openJobSockets, type JobSockets } from './job-sockets.ts';
import { installRelayScript, relayPorts } from './relay.ts';
import { collectLines, testStageSpec } from '../../test/support/supervisor/stage-containers.ts';

// "Containers are contained": a stage container has no network but its own loopback, where
// the relay gives it the job's sockets. Listeners the test starts on the host's loopback and
// in a network namespace it creates (reachable from the host through a veth pair, so the
// container's failure is its own) stay out of reach; an allowed host is reachable through
// the egress proxy; a fork bomb stops at the container's PidsLimit. Traffic goes only to
// loopback and to the test's namespace (198.18.0.0/15, the benchmarking range).
const run = promisify(execFile);
const docker = new Docker({ socketPath: inject('dockerSocket') });
const image = inject('runnerImage');
const suiteJob = `test-contain-${randomBytes(4).toString('hex')}`;

const tag = randomBytes(3).toString('hex');
const netns = { name: `spedy-t${tag}`, hostIf: `sv${tag}h`, nsIf: `sv${tag}n`, subnet: randomInt(1, 255) };
const nsAddress = `198.18.${netns.subnet}.2`;
const nsPort = 7000 + randomInt(0, 1000);

let sockets: JobSockets;
let allowed: http.Server;
let hostLoopback: net.Server;
let nsListener: ChildProcess | undefined;
let allowedPort: number;
let hostPort: number;
let netnsCreated = false;

function listenLoopback<T extends net.Server>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** What a TCP connection to host:port gets: its data, or the error code. */
function tcpFromHost(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(`data:${data.trim()}`));
    socket.on('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const spec = (cmd: string[], overrides: Partial<StageContainerSpec> = {}) =>
  testStageSpec({ image, job: suiteJob, stage: 'contain', workingDir: '/tmp' }, cmd, overrides);
const collect = collectLines;

/** Everything the probe inside the container found, printed as one JSON line. */
const probeScript = `
const net = require('net'), http = require('http'), fs = require('fs');
const tcp = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 3000 }); let d = '';
  s.on('data', (c) => (d += c)); s.on('end', () => resolve('data:' + d.trim()));
  s.on('timeout', () => { s.destroy(); resolve('timeout'); }); s.on('error', (e) => resolve(e.code));
});
const connect = (target) => new Promise((resolve) => {
  const s = net.connect(${relayPorts.egress}, '127.0.0.1'); let d = '';
  s.on('data', (c) => (d += c)); s.on('end', () => resolve(d)); s.on('error', (e) => resolve(e.code));
  s.write('CONNECT ' + target + ' HTTP/1.1\\r\\nhost: ' + target + '\\r\\n\\r\\nGET /tunnel HTTP/1.1\\r\\nhost: x\\r\\nconnection: close\\r\\n\\r\\n');
});
const get = (port, path) => new Promise((resolve) => {
  http.get({ host: '127.0.0.1', port, path, headers: { host: 'probe' } }, (res) => {
    let d = ''; res.on('data', (c) => (d += c)); res.on('end', () => resolve(res.statusCode + ' ' + d.trim()));
  }).on('error', (e) => resolve(e.code));
});
(async () => {
  const [hostPort, allowedPort, nsAddress, nsPort] = process.argv.slice(1);
  const result = {
    interfaces: fs.readFileSync('/proc/net/dev', 'utf8').split('\\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean),
    routes: fs.readFileSync('/proc/net/route', 'utf8').trim().split('\\n').slice(1),
    hostLoopback: await tcp('127.0.0.1', +hostPort),
    netns: await tcp(nsAddress, +nsPort),
    netnsViaProxy: (await connect(nsAddress + ':' + nsPort)).split('\\r\\n')[0],
    hostLoopbackViaProxy: (await connect('127.0.0.1:' + hostPort)).split('\\r\\n')[0],
    allowedTunnel: await connect('127.0.0.1:' + allowedPort),
    allowedPlain: await get(${relayPorts.egress}, 'http://127.0.0.1:' + allowedPort + '/plain'),
    model: await get(${relayPorts.model}, '/v1/ping'),
    proxyVariable: process.env.HTTPS_PROXY,
  };
  try { fs.unlinkSync('/spedy/s/model.sock'); result.socketRemoved = 'removed'; } catch (e) { result.socketRemoved = e.code; }
  console.log(JSON.stringify(result));
})();
`;

beforeAll(async () => {
  allowed = http.createServer((req, res) => res.end(`allowed host answered ${req.url}`));
  hostLoopback = net.createServer((socket) => socket.end('host loopback\n'));
  [allowedPort, hostPort] = await Promise.all([listenLoopback(allowed), listenLoopback(hostLoopback)]);
  sockets = await openJobSockets({
    settings: {
      socketsDir: testSocketsDir,
      relayScript: await installRelayScript(testSocketsDir),
      limits: testContainerLimits,
      // Test-only: the supervisor's operator admits this loopback server; the team allows it below.
      allowedInternalHosts: `127.0.0.1:${allowedPort}`,
    },
    jobId: suiteJob,
    allowedHosts: [`127.0.0.1:${allowedPort}`],
    model: (_req, res) => res.end('the model socket answered'),
    log: { info() {}, warn() {}, error() {}, debug() {} },
  });

  // A namespace with a listener, reachable from the host through a veth pair.
  const ip = (...args: string[]) => run('ip', args);
  await ip('netns', 'add', netns.name);
  netnsCreated = true;
  await ip('link', 'add', netns.hostIf, 'type', 'veth', 'peer', 'name', netns.nsIf);
  await ip('link', 'set', netns.nsIf, 'netns', netns.name);
  await ip('addr', 'add', `198.18.${netns.subnet}.1/30`, 'dev', netns.hostIf);
  await ip('link', 'set', netns.hostIf, 'up');
  await ip('netns', 'exec', netns.name, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', netns.nsIf);
  await ip('netns', 'exec', netns.name, 'ip', 'link', 'set', netns.nsIf, 'up');
  await ip('netns', 'exec', netns.name, 'ip', 'link', 'set', 'lo', 'up');
  const listener = spawn('ip', ['netns', 'exec', netns.name, process.execPath, '-e', `require('net').createServer((s) => s.end('netns listener\\n')).listen(${nsPort}, '${nsAddress}', () => console.log('listening'))`]);
  nsListener = listener;
  await new Promise<void>((resolve, reject) => {
    listener.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    listener.once('exit', (code) => reject(new Error(`the namespace listener exited with ${code}`)));
  });
});

afterAll(async () => {
  await removeOrphans(docker, `${ContainerLabel.job}=${suiteJob}`);
  nsListener?.kill();
  await run('ip', ['link', 'del', netns.hostIf]).catch(() => undefined);
  if (netnsCreated) await run('ip', ['netns', 'del', netns.name]);
  await sockets?.close();
  allowed?.close();
  hostLoopback?.close();
});

describe('a contained stage container', () => {
  it('reaches neither the host’s loopback nor a network namespace the host reaches, and only allowed hosts through the proxy', async () => {
    // The listeners are there: the host reaches both.
    expect(await tcpFromHost('127.0.0.1', hostPort)).toBe('data:host loopback');
    expect(await tcpFromHost(nsAddress, nsPort)).toBe('data:netns listener');

    const container = await startContainer(
      docker,
      spec(sockets.command(['node', '-e', probeScript, String(hostPort), String(allowedPort), nsAddress, String(nsPort)]), { env: sockets.env, binds: sockets.binds }),
    );
    try {
      const [stdout, stderr, exit] = await Promise.all([collect(container.stdout), collect(container.stderr), container.done]);
      expect(stderr).toEqual([]);
      expect(exit.exitCode).toBe(0);
      const found = JSON.parse(stdout.at(-1) ?? '{}');
      expect(found.interfaces).toEqual(['lo']);
      expect(found.routes).toEqual([]);
      expect(found.hostLoopback).toBe('ECONNREFUSED');
      expect(found.netns).toBe('ENETUNREACH');
      expect(found.netnsViaProxy).toBe('HTTP/1.1 403 Forbidden');
      expect(found.hostLoopbackViaProxy).toBe('HTTP/1.1 403 Forbidden');
      expect(found.allowedTunnel).toMatch(/^HTTP\/1.1 200 Connection Established\r\n\r\nHTTP\/1.1 200 OK/);
      expect(found.allowedTunnel).toContain('allowed host answered /tunnel');
      expect(found.allowedPlain).toBe('200 allowed host answered /plain');
      expect(found.model).toBe('200 the model socket answered');
      expect(found.proxyVariable).toBe(`http://127.0.0.1:${relayPorts.egress}`);
      expect(found.socketRemoved).toBe('EROFS');
    } finally {
      await container.remove();
    }
  });

  it('runs without a network, capabilities or new privileges, on a read-only root, within its limits', async () => {
    const container = await startContainer(docker, spec(['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; touch /usr/x 2>&1 || true']));
    try {
      const [stdout, , exit] = await Promise.all([collect(container.stdout), collect(container.stderr), container.done]);
      expect(exit.exitCode).toBe(0);
      expect(stdout).toEqual(['CapEff:\t0000000000000000', 'NoNewPrivs:\t1', expect.stringMatching(/Read-only file system/)]);
      const { HostConfig } = await docker.getContainer(container.id).inspect();
      expect(HostConfig).toMatchObject({
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: testContainerLimits.pids,
        Memory: testContainerLimits.memoryMb * 1024 * 1024,
        NanoCpus: testContainerLimits.cpus * 1e9,
      });
    } finally {
      await container.remove();
    }
  });

  it('stops a fork bomb at its PidsLimit', async () => {
    // The engine enforces it (it warns in `docker info` when the kernel cannot).
    const info = await docker.info();
    expect(info.PidsLimit).toBe(true);
    expect((info.Warnings ?? []).filter((w: string) => /pids/i.test(w))).toEqual([]);

    const pids = 64;
    const container = await startContainer(docker, spec(['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 300'], { limits: { ...testContainerLimits, pids } }));
    try {
      const stats = await poll(
        'the fork bomb to reach the pids limit',
        async () => {
          const current = (await docker.getContainer(container.id).stats({ stream: false })) as { pids_stats?: { current?: number; limit?: number } };
          return (current.pids_stats?.current ?? 0) >= pids ? current.pids_stats : undefined;
        },
        30_000,
      );
      expect(stats).toEqual({ current: pids, limit: pids });
      // Contained: it is still ended and removed like any container.
      expect((await container.terminate(CancelReason.Timeout)).exitCode).toBe(137);
    } finally {
      await container.remove();
    }
    expect(await docker.listContainers({ all: true, filters: { label: [`${ContainerLabel.job}=${suiteJob}`] } })).toEqual([]);
  });
});

describe('a job whose validation command is a fork bomb', () => {
  let kit: RunnerTestKit;
  beforeAll(async () => {
    kit = await startRunnerTestKit({ dockerSocket: inject('dockerSocket'), image, suite: 'contain' });
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('fails cleanly: the bomb stops at the limit, the job fails naming the command, and no container is left', async () => {
    const bomb = [
      "const { spawn } = require('child_process');",
      'let started = 0;',
      '(function next() {',
      "  const child = spawn('sleep', ['300']);",
      "  child.on('error', (error) => { console.log(`stopped after ${started} processes: ${error.code}`); process.exit(1); });",
      "  child.on('spawn', () => { started++; next(); });",
      '})();',
    ].join('\n');
    const stage = stageSnapshot({ id: 'implement', name: 'Implement [scenario:echo]', validationCommands: ['node bomb.js'], maxRetries: 0 });
    const { ctx, deps } = await kit.newJob({ name: 'forkbomb', steps: [[stage]], files: { 'README.md': '# bomb\n', 'bomb.js': bomb } });

    await runToEnd(ctx, deps);

    const end = ctx.statuses.at(-1);
    expect(end?.status).toBe('failed');
    expect(end?.reason).toMatch(/Validation command "node bomb.js" still fails \(exit code 1\)/);
    expect(end?.reason).toMatch(/stopped after \d+ processes: EAGAIN/);
    expect(await kit.containersOf(ctx.job.id)).toEqual([]);
  });
});
