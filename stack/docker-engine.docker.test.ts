import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { findDockerEngine, pingDockerSocket } from '../supervisor/container/docker-probe.ts';
import { DockerEngineBusyError, startDockerEngine } from './docker-engine.ts';

/** Pids of processes whose command line contains `text`. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

/**
 * An image holding only Debian's merged-/usr symlinks: containers run the
 * host's programs from a read-only bind of /usr, so the test needs no
 * registry and no bootstrap.
 */
async function importHostUsrImage(docker: Docker, name: string): Promise<void> {
  const pack = tar.pack();
  for (const dir of ['usr', 'tmp', 'proc', 'sys', 'dev', 'etc']) pack.entry({ name: dir, type: 'directory', mode: 0o755 });
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) pack.entry({ name: link, type: 'symlink', linkname: `usr/${link}` });
  pack.finalize();
  const [repo, tag] = name.split(':');
  const progress = await docker.importImage(Readable.from(pack), { repo, tag });
  for await (const _ of progress) {
    // Read to the end: the import is done when the stream ends.
  }
}

describe('private Docker engine', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-engine-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts in its own folder, runs containers, and stops leaving no engine, shim or container process', async () => {
    const engine = await startDockerEngine({ dataDir });
    let stopped = false;
    try {
      expect(path.dirname(engine.socketPath)).toBe(engine.runDir);
      expect(await findDockerEngine({ DOCKER_HOST: `unix://${engine.socketPath}` }, '/nonexistent')).toBe(engine.socketPath);
      await expect(startDockerEngine({ dataDir })).rejects.toBeInstanceOf(DockerEngineBusyError);

      const docker = new Docker({ socketPath: engine.socketPath });
      await importHostUsrImage(docker, 'spedy-engine-test:host-usr');
      // A distinctive duration lets us find this very process on the host afterwards.
      const marker = `${300 + randomInt(1000)}.${randomInt(100_000)}`;
      const container = await docker.createContainer({
        Image: 'spedy-engine-test:host-usr',
        Cmd: ['sleep', marker],
        // Host networking makes dockerd bind the host's network namespace inside its folder.
        HostConfig: { NetworkMode: 'host', Mounts: [{ Type: 'bind', Source: '/usr', Target: '/usr', ReadOnly: true }] },
      });
      await container.start();
      expect((await container.inspect()).State.Running).toBe(true);
      // Running is reported once runc has started; its init replaces itself with `sleep` a moment later.
      await expect.poll(() => processesMentioning(`sleep ${marker}`), { timeout: 10_000 }).toHaveLength(1);

      await engine.stop();
      stopped = true;
      expect(await pingDockerSocket(engine.socketPath)).toBe(false);
      expect(processesMentioning(dataDir)).toEqual([]);
      expect(processesMentioning(engine.runDir)).toEqual([]);
      expect(processesMentioning(`sleep ${marker}`)).toEqual([]);
      expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dataDir);
      expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(engine.runDir);
      expect(fs.existsSync(engine.runDir)).toBe(false);
    } finally {
      if (!stopped) await engine.stop();
    }
  });

  it('comes up from a data folder as deep as a checkout can be, keeping its sockets in a short run folder', async () => {
    // A checkout-like path well past the old limit (an engine folder of about 55 characters).
    const checkout = path.join(dataDir, 'home', 'someone', 'projects', 'a-checkout-with-a-rather-long-name', 'spedy');
    const deepDataDir = path.join(checkout, '.test-data', 'runner', 'docker');
    expect(deepDataDir.length).toBeGreaterThanOrEqual(60);
    const engine = await startDockerEngine({ dataDir: deepDataDir });
    let stopped = false;
    try {
      expect(await pingDockerSocket(engine.socketPath)).toBe(true);
      expect(engine.socketPath.startsWith(os.tmpdir())).toBe(true);
      expect(path.join(engine.runDir, 'exec', 'containerd', 'containerd-debug.sock').length).toBeLessThanOrEqual(104);
      // Images and the log stay in the data folder.
      expect(fs.existsSync(path.join(deepDataDir, 'docker'))).toBe(true);
      expect(fs.existsSync(path.join(deepDataDir, 'logs', 'dockerd.log'))).toBe(true);
      const docker = new Docker({ socketPath: engine.socketPath });
      expect((await docker.info()).DockerRootDir).toBe(path.join(deepDataDir, 'docker'));

      await engine.stop();
      stopped = true;
      expect(await pingDockerSocket(engine.socketPath)).toBe(false);
      expect(fs.existsSync(engine.runDir)).toBe(false);
      expect(processesMentioning(engine.runDir)).toEqual([]);
    } finally {
      if (!stopped) await engine.stop();
    }
  });
});
