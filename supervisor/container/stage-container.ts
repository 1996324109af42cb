import { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { CancelReason } from './cancel-reason.ts';
import { dockerStatusCode } from './docker-status.ts';
import { readLines } from './lines.ts';
import { removeContainer } from './remove.ts';

/** Labels every stage container carries; orphans are found by them. */
export const ContainerLabel = {
  job: 'spedy.job',
  stage: 'spedy.stage',
} as const;

export interface BindMount {
  /** Absolute path on the engine's host (for a supervisor in a container: the host's path). */
  host: string;
  container: string;
  readOnly: boolean;
}

export interface StageContainerSpec {
  image: string;
  cmd: string[];
  env: Record<string, string>;
  binds: BindMount[];
  workingDir: string;
  /** `uid:gid`; the agent runs as the image's non-root user, `1000:1000`. */
  user: string;
  labels: { [ContainerLabel.job]: string; [ContainerLabel.stage]: string } & Record<string, string>;
  limits: ContainerLimits;
  /**
   * Setup commands only (runner/setup-layer.ts): these capabilities on a writable root
   * filesystem, committed afterwards. Unset, as for every stage container: none, read-only.
   */
  setup?: { capabilities: readonly string[] };
}

/** Per container (SPEDY_CONTAINER_*): a runaway agent or fork bomb stops at its own limits. */
export interface ContainerLimits {
  memoryMb: number;
  cpus: number;
  /** Processes and threads of this container alone (a cgroup limit, unlike `ulimit -u`, which every uid-1000 container shares). */
  pids: number;
}

export interface StageExit {
  /** The main process's exit code; 128+n after signal n; -1 when the engine could not say. */
  exitCode: number;
  /** Set when the supervisor ended the container (interrupt or terminate). */
  cancelReason: CancelReason | null;
}

export interface StageContainer {
  id: string;
  /** Output lines as they come; each iterable can be read once. Both end when the container does. */
  stdout: AsyncIterable<string>;
  stderr: AsyncIterable<string>;
  /** Resolves when the container has exited and its output has been delivered. Never rejects. */
  done: Promise<StageExit>;
  /** SIGTERM, then SIGKILL if it still runs after `graceMs`. Resolves with the exit. */
  interrupt(reason: CancelReason, graceMs?: number): Promise<StageExit>;
  /** SIGKILL now. */
  terminate(reason: CancelReason): Promise<StageExit>;
  /** Removes the container (killing it if it runs); a container already gone is fine. */
  remove(): Promise<void>;
}

export const DEFAULT_INTERRUPT_GRACE_MS = 10_000;
/** After the exit, how long to wait for the attach stream to deliver the last output. */
const OUTPUT_DRAIN_MS = 5_000;

/** /tmp is the only writable place besides the bind mounts (the job's workspace and HOME). */
const tmpfs = { '/tmp': 'rw,nosuid,nodev,exec,size=1g,mode=1777' };

/**
 * Contained: no network but loopback (the relay reaches the supervisor through the job's
 * bind-mounted sockets, supervisor/egress/), a read-only root, no capabilities, no privilege
 * gain through setuid binaries, and memory, CPU and process limits. A setup command gets
 * its few capabilities back and a writable root; everything else stays. Docker-init (tini) as
 * PID 1 forwards SIGTERM to the command and reaps the agent's subprocesses.
 */
function createOptions(spec: StageContainerSpec): Docker.ContainerCreateOptions {
  return {
    Image: spec.image,
    Cmd: spec.cmd,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    WorkingDir: spec.workingDir,
    User: spec.user,
    Labels: spec.labels,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      // Mounts, unlike Binds, fail on a missing host path instead of creating it as root.
      Mounts: spec.binds.map((bind) => ({
        Type: 'bind' as const,
        Source: bind.host,
        Target: bind.container,
        ReadOnly: bind.readOnly,
      })),
      NetworkMode: 'none',
      ReadonlyRootfs: !spec.setup,
      Tmpfs: tmpfs,
      CapDrop: ['ALL'],
      ...(spec.setup ? { CapAdd: [...spec.setup.capabilities] } : {}),
      SecurityOpt: ['no-new-privileges'],
      Memory: spec.limits.memoryMb * 1024 * 1024,
      // No swap beyond the memory limit.
      MemorySwap: spec.limits.memoryMb * 1024 * 1024,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      PidsLimit: spec.limits.pids,
      Init: true,
      // Removed by remove(), so a late wait or inspect still finds it.
      AutoRemove: false,
    },
  };
}

/**
 * Registers a wait for the container's next exit and resolves once the engine
 * has registered it (it sends the response headers then), so a container
 * started afterwards cannot exit unseen.
 */
function registerWait(docker: Docker, id: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/wait?`,
        method: 'POST',
        isStream: true,
        options: { condition: 'next-exit' },
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
      },
      (err, res) => {
        if (err) return reject(err);
        if (!(res instanceof IncomingMessage)) return reject(new Error('The Docker engine answered a wait without a response stream.'));
        resolve(res);
      },
    );
  });
}

async function readWaitResult(res: IncomingMessage): Promise<number> {
  let body = '';
  for await (const chunk of res) body += chunk.toString();
  const result = JSON.parse(body) as { StatusCode?: number; Error?: { Message?: string } | null };
  if (typeof result.StatusCode !== 'number') throw new Error(result.Error?.Message ?? `Unexpected wait result: ${body}`);
  return result.StatusCode;
}

/** Resolves when `stream` has ended or closed, or after `ms`. */
function endedOrTimeout(stream: Readable, ms: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      stream.off('end', finish);
      stream.off('close', finish);
      resolve();
    }
    stream.once('end', finish);
    stream.once('close', finish);
  });
}

function sendSignal(container: Docker.Container, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  return container.kill({ signal }).then(
    () => undefined,
    (err: unknown) => {
      // 404: gone; 409: not running (already exited).
      const status = dockerStatusCode(err);
      if (status !== 404 && status !== 409) throw err;
    },
  );
}

/**
 * Runs one stage's command in a fresh container: create → attach → wait →
 * start, in that order, so no output and no exit is missed. Resolves once the
 * container runs; a container that fails to start is removed and the error thrown.
 */
export async function startContainer(docker: Docker, spec: StageContainerSpec): Promise<StageContainer> {
  const container = await docker.createContainer(createOptions(spec));
  let attach: Readable | undefined;
  let waiting: IncomingMessage | undefined;
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    if (!(stream instanceof Readable)) throw new Error('The Docker engine answered an attach without an output stream.');
    attach = stream;
    waiting = await registerWait(docker, container.id);
    await container.start();
  } catch (err) {
    attach?.destroy();
    waiting?.destroy();
    await removeContainer(container).catch(() => undefined);
    throw err;
  }

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(attach, stdout, stderr);
  // demuxStream never ends its targets.
  const endTargets = () => {
    stdout.end();
    stderr.end();
  };
  attach.once('end', endTargets);
  attach.once('close', endTargets);
  attach.once('error', endTargets);

  let cancelReason: CancelReason | null = null;
  let exited = false;
  const output = attach;
  const exitWait = waiting;
  const done = (async (): Promise<StageExit> => {
    let exitCode = -1;
    try {
      exitCode = await readWaitResult(exitWait);
    } catch {
      // The wait connection broke (engine restart, or the container was removed): ask the engine instead.
      try {
        const info = await container.inspect();
        if (!info.State.Running) exitCode = info.State.ExitCode;
      } catch {}
    }
    exited = true;
    await endedOrTimeout(output, OUTPUT_DRAIN_MS);
    endTargets();
    return { exitCode, cancelReason };
  })();

  const interrupt = async (reason: CancelReason, graceMs = DEFAULT_INTERRUPT_GRACE_MS): Promise<StageExit> => {
    if (exited) return done;
    cancelReason ??= reason;
    if (graceMs > 0) {
      await sendSignal(container, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (inTime) return done;
    }
    await sendSignal(container, 'SIGKILL');
    return done;
  };

  return {
    id: container.id,
    stdout: readLines(stdout),
    stderr: readLines(stderr),
    done,
    interrupt,
    terminate: (reason) => interrupt(reason, 0),
    async remove() {
      await removeContainer(container);
      output.destroy();
    },
  };
}
