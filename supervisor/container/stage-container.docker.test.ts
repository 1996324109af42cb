import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fromSupervisorRoot } from '../paths.ts';
import { CancelReason } from './cancel-reason.ts';
import { removeOrphans } from './remove.ts';
import { ContainerLabel, startContainer, type StageContainerSpec } from './stage-container.ts';
import { collectLines, testStageSpec } from '../../test/support/supervisor/stage-containers.ts';

const docker = new Docker({ socketPath: inject('dockerSocket') });
const image = inject('runnerImage');
// Every container of this run carries the suite's job id, so cleanup never touches another run's.
const suiteJob = `test-${randomBytes(4).toString('hex')}`;
const workDir = fromSupervisorRoot('.test-data', 'docker-tests', suiteJob);

const spec = (cmd: string[], overrides: Partial<StageContainerSpec> = {}) =>
  testStageSpec({ image, job: suiteJob, stage: 'test', workingDir: '/workspace' }, cmd, overrides);
const collect = collectLines;

/** Runs a command to its end and returns its exit code and output. */
async function run(cmd: string[], overrides: Partial<StageContainerSpec> = {}) {
  const container = await startContainer(docker, spec(cmd, overrides));
  try {
    const [stdout, stderr, exit] = await Promise.all([collect(container.stdout), collect(container.stderr), container.done]);
    return { ...exit, stdout, stderr };
  } finally {
    await container.remove();
  }
}


describe('stage containers', () => {
  beforeAll(() => {
    fs.mkdirSync(workDir, { recursive: true });
  });
  afterAll(async () => {
    await removeOrphans(docker, `${ContainerLabel.job}=${suiteJob}`);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('runs git, Node 22, npm and the Claude Code CLI as the non-root user 1000', async () => {
    const result = await run(['sh', '-c', 'id -u; id -g; echo $HOME; git --version; node --version; npm --version; claude --version']);
    expect(result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
    const [uid, gid, home, git, node, npm, claude] = result.stdout;
    expect([uid, gid, home]).toEqual(['1000', '1000', '/home/runner']);
    expect(git).toMatch(/^git version 2\./);
    expect(node).toMatch(/^v22\./);
    expect(npm).toMatch(/^10\./);
    expect(claude).toMatch(/^2\.1\.\d+ \(Claude Code\)/);
  });

  it('streams output lines while the container still runs, and separates stdout from stderr', async () => {
    const container = await startContainer(docker, spec(['sh', '-c', 'echo first; echo oops >&2; sleep 2; echo second']));
    try {
      const stdout = container.stdout[Symbol.asyncIterator]();
      const first = await stdout.next();
      expect(first.value).toBe('first');
      const info = await docker.getContainer(container.id).inspect();
      expect(info.State.Running).toBe(true);
      const rest: string[] = [];
      for (let next = await stdout.next(); !next.done; next = await stdout.next()) rest.push(next.value);
      expect(rest).toEqual(['second']);
      expect(await collect(container.stderr)).toEqual(['oops']);
      expect(await container.done).toEqual({ exitCode: 0, cancelReason: null });
    } finally {
      await container.remove();
    }
  });

  it('reports a failing command’s exit code and keeps output written just before the exit', async () => {
    const result = await run(['sh', '-c', 'for i in 1 2 3; do echo line-$i; done; exit 7']);
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toEqual(['line-1', 'line-2', 'line-3']);
  });

  it('interrupt() ends a long-running container with SIGTERM and records why', async () => {
    const container = await startContainer(docker, spec(['sleep', '300']));
    try {
      const exit = await container.interrupt(CancelReason.StoppedByUser, 3000);
      // docker-init forwards SIGTERM to sleep, which exits at once: 143 (SIGTERM), not 137 (SIGKILL after the grace period).
      expect(exit).toEqual({ exitCode: 143, cancelReason: 'stopped_by_user' });
      expect(await container.done).toEqual(exit);
    } finally {
      await container.remove();
    }
    await expect(docker.getContainer(container.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('kills a command that ignores SIGTERM once the grace period is over', async () => {
    const container = await startContainer(docker, spec(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 1; done']));
    try {
      const stdout = container.stdout[Symbol.asyncIterator]();
      expect((await stdout.next()).value).toBe('ready');
      const started = performance.now();
      const exit = await container.interrupt(CancelReason.Timeout, 1000);
      expect(exit).toEqual({ exitCode: 137, cancelReason: 'timeout' });
      // Killed only once the grace period was over.
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await container.remove();
    }
  });

  it('mounts host folders: writable ones are written as uid 1000, read-only ones cannot be written', async () => {
    const rw = path.join(workDir, 'rw');
    const ro = path.join(workDir, 'ro');
    fs.mkdirSync(rw, { recursive: true });
    fs.mkdirSync(ro, { recursive: true });
    fs.chownSync(rw, 1000, 1000);
    fs.chmodSync(ro, 0o777);
    fs.writeFileSync(path.join(ro, 'plan.md'), 'the plan\n');
    const binds = [
      { host: rw, container: '/workspace', readOnly: false },
      { host: ro, container: '/plans', readOnly: true },
    ];

    const write = await run(['sh', '-c', 'echo done > /workspace/out.txt && cat /plans/plan.md'], { binds });
    expect(write.exitCode).toBe(0);
    expect(write.stdout).toEqual(['the plan']);
    expect(fs.readFileSync(path.join(rw, 'out.txt'), 'utf8')).toBe('done\n');
    expect(fs.statSync(path.join(rw, 'out.txt')).uid).toBe(1000);

    const denied = await run(['sh', '-c', 'echo x > /plans/new.txt'], { binds });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr.join('\n')).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(ro, 'new.txt'))).toBe(false);
  });

  it('a read-only root leaves /tmp writable', async () => {
    const result = await run(['sh', '-c', 'echo ok > /tmp/x && cat /tmp/x; touch /home/runner/y']);
    expect(result.stdout).toEqual(['ok']);
    expect(result.stderr.join('\n')).toMatch(/Read-only file system/);
    expect(result.exitCode).not.toBe(0);
  });

  it('removes orphaned containers by label, running or exited', async () => {
    const orphanJob = `${suiteJob}-orphans`;
    const labels = { [ContainerLabel.job]: orphanJob, [ContainerLabel.stage]: 'orphan' };
    const running = await startContainer(docker, spec(['sleep', '300'], { labels }));
    const exited = await startContainer(docker, spec(['true'], { labels }));
    await exited.done;
    const filter = { label: [`${ContainerLabel.job}=${orphanJob}`] };
    expect(await docker.listContainers({ all: true, filters: filter })).toHaveLength(2);

    const removed = await removeOrphans(docker, `${ContainerLabel.job}=${orphanJob}`);
    expect(removed.sort()).toEqual([running.id, exited.id].sort());
    expect(await docker.listContainers({ all: true, filters: filter })).toHaveLength(0);
    // The killed container's done still resolves; removing again is harmless.
    expect((await running.done).exitCode).toBe(137);
    await running.remove();
    await exited.remove();
  });
});
