import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { StackError } from './errors.ts';
import { displayPath } from './paths.ts';
import { processTree, signalProc } from './proc-tree.ts';
import { describeTail, spawnManaged, stopLeftovers } from './process-group.ts';
import { abortError, sleep } from './time.ts';
import { ReadinessError } from './wait.ts';

/** The default socket of a system-wide engine. */
const SYSTEM_SOCKET = '/var/run/docker.sock';
const DOCKERD_CANDIDATES = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];
/** sun_path is 108 bytes including the terminating NUL. */
const UNIX_SOCKET_PATH_MAX = 107;
/** On SIGTERM dockerd stops running containers, killing those still running after this long. */
const SHUTDOWN_TIMEOUT_S = 10;

/** The engine folder is in use by another live process. */
export class DockerEngineBusyError extends StackError {
  override name = 'DockerEngineBusyError';
}

/** The one command that installs what runners need (the engine, and debootstrap for the runner image). */
export function dockerInstallHint(): string {
  return 'apt-get install -y docker.io debootstrap';
}

/** The dockerd binary, when the engine is installed. */
export function dockerdPath(): string | null {
  return DOCKERD_CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? null;
}

/** Whether a Docker engine answers `GET /_ping` on `socketPath`. */
export function pingDockerSocket(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
      res.once('error', () => resolve(false));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * The socket path of a Docker engine that answers: the unix socket in
 * DOCKER_HOST when set, else the system socket. Null when none answers (a
 * DOCKER_HOST over TCP or SSH is not used).
 */
export async function findDockerEngine(
  env: Record<string, string | undefined> = process.env,
  systemSocket = SYSTEM_SOCKET,
): Promise<string | null> {
  const candidates: string[] = [];
  const host = env.DOCKER_HOST?.trim();
  if (host?.startsWith('unix://')) candidates.push(host.slice('unix://'.length));
  candidates.push(systemSocket);
  for (const socketPath of candidates) {
    if (fs.existsSync(socketPath) && (await pingDockerSocket(socketPath))) return socketPath;
  }
  return null;
}

export interface DockerEngineHandle {
  /** Unix socket of the engine (`${dataDir}/docker.sock`); pass it to dockerode as `socketPath`. */
  socketPath: string;
  /** Stops the engine (its running containers first) and anything it left behind. Idempotent. */
  stop(): Promise<void>;
  /** Resolves if the engine exits by itself (not through stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface StartDockerEngineOptions {
  /**
   * The engine's own folder (images in `docker/`, runtime state in `exec/`,
   * the socket `docker.sock`). Keep the path short: unix socket paths are
   * limited to 107 bytes. Images persist here between starts.
   */
  dataDir: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** The engine's layout inside its data folder. */
export function dockerEnginePaths(dataDir: string) {
  const root = path.resolve(dataDir);
  return {
    root,
    dataRoot: path.join(root, 'docker'),
    execRoot: path.join(root, 'exec'),
    pidFile: path.join(root, 'dockerd.pid'),
    socketPath: path.join(root, 'docker.sock'),
    /** dockerd starts its own containerd when none runs system-wide; its socket lives under exec-root. */
    containerdSocket: path.join(root, 'exec', 'containerd', 'containerd.sock'),
    logFile: path.join(root, 'logs', 'dockerd.log'),
    /** Our record of dockerd's process tree (so a later start can stop what a killed parent left). */
    procsFile: path.join(root, 'run', 'dockerd.procs.json'),
  };
}

/**
 * containerd's shims leave dockerd's process tree (they daemonize), so a
 * shim that outlives its engine is found by the containerd socket named on
 * its command line.
 */
function strayShims(containerdSocket: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.includes('containerd-shim') && argv.includes(containerdSocket)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

function killStrayShims(containerdSocket: string): number {
  const shims = strayShims(containerdSocket);
  // The shim's children are the containers' processes: they go with it.
  for (const pid of shims) for (const proc of processTree(pid).reverse()) signalProc(proc, 'SIGKILL');
  return shims.length;
}

/**
 * dockerd leaves mounts in its folder when it stops (the host network
 * namespace bound at `exec/netns/default`); they would keep the folder busy.
 */
function unmountUnder(root: string): void {
  let mountInfo: string;
  try {
    mountInfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  const points = mountInfo
    .split('\n')
    // Field 5 is the mount point, with spaces and other special characters octal-escaped.
    .map((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))))
    .filter((point): point is string => point !== undefined && point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) spawnSync('umount', ['--lazy', point], { stdio: 'ignore' });
}

/** Engine folders this process runs engines from (the folder lock lets its own process through). */
const enginesInThisProcess = new Set<string>();

/**
 * Starts a private Docker engine in `dataDir`, in its own process group (no
 * systemd here): no iptables rules and no bridge, so containers have either
 * loopback only (`NetworkMode: 'none'`) or the host's network. Needs root.
 * Resolves once the engine answers `/_ping`.
 */
export async function startDockerEngine(options: StartDockerEngineOptions): Promise<DockerEngineHandle> {
  const paths = dockerEnginePaths(options.dataDir);
  const longest = paths.containerdSocket.length + '.ttrpc'.length;
  if (longest > UNIX_SOCKET_PATH_MAX) {
    throw new StackError(
      `The Docker engine folder ${paths.root} is too deep: its sockets would exceed the ${UNIX_SOCKET_PATH_MAX}-byte limit ` +
        `of unix socket paths. Use a folder at most ${UNIX_SOCKET_PATH_MAX - (longest - paths.root.length)} characters long.`,
    );
  }
  const dockerd = dockerdPath();
  if (!dockerd) {
    throw new StackError(`No Docker engine is installed (dockerd not found). Install it with: ${dockerInstallHint()}`);
  }
  if (process.getuid?.() !== 0) {
    throw new StackError(
      `Starting a private Docker engine needs root. Start Docker yourself and set DOCKER_HOST=unix://<socket>, or run as root.`,
    );
  }
  if (enginesInThisProcess.has(paths.root)) {
    throw new DockerEngineBusyError(`This process already runs a Docker engine from ${displayPath(paths.root)}; use that one.`);
  }
  fs.mkdirSync(paths.root, { recursive: true });

  // A second engine on the same folder would share images and state, and would stop the first as a leftover.
  let lock: DataDirLock;
  try {
    lock = lockDataDir(paths.root);
    enginesInThisProcess.add(paths.root);
  } catch (err) {
    if (!(err instanceof StackError)) throw err;
    throw new DockerEngineBusyError(
      `Another process runs a Docker engine from ${displayPath(paths.root)}. Use that engine (DOCKER_HOST=unix://${paths.socketPath}) ` +
        `or give this one another folder. (${err.message})`,
    );
  }
  try {
    if (await stopLeftovers(paths.procsFile, 'SIGTERM', (SHUTDOWN_TIMEOUT_S + 5) * 1000)) {
      options.log?.('  stopped a Docker engine that an earlier, killed start left running');
    }
    // dockerd refuses to start while its pidfile names a live process; ours were stopped above.
    fs.rmSync(paths.pidFile, { force: true });
    fs.rmSync(paths.socketPath, { force: true });

    const proc = spawnManaged({
      name: 'Docker engine',
      command: dockerd,
      args: [
        '--data-root', paths.dataRoot,
        '--exec-root', paths.execRoot,
        '--pidfile', paths.pidFile,
        '--host', `unix://${paths.socketPath}`,
        '--iptables=false',
        '--bridge=none',
        `--shutdown-timeout=${SHUTDOWN_TIMEOUT_S}`,
      ],
      cwd: paths.root,
      env: { ...process.env, DOCKER_HOST: undefined },
      logFile: paths.logFile,
      pidFile: paths.procsFile,
      stopSignal: 'SIGTERM',
      graceMs: (SHUTDOWN_TIMEOUT_S + 10) * 1000,
      emergencySignal: 'SIGTERM',
    });

    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        await proc.stop();
        killStrayShims(paths.containerdSocket);
        unmountUnder(paths.root);
        lock.release();
        enginesInThisProcess.delete(paths.root);
      })();
      return stopping;
    };

    try {
      const deadline = Date.now() + 60_000;
      while (!(await pingDockerSocket(paths.socketPath, 1000))) {
        if (options.signal?.aborted) throw abortError(options.signal);
        if (proc.hasExited()) throw new ReadinessError('The Docker engine exited during startup.', describeTail(proc));
        if (Date.now() > deadline) {
          throw new ReadinessError(
            `The Docker engine did not answer on ${displayPath(paths.socketPath)} within 60 s.`,
            describeTail(proc),
          );
        }
        await sleep(100, options.signal);
      }
    } catch (err) {
      await stop();
      throw err;
    }
    return { socketPath: paths.socketPath, stop, exited: proc.exited, logFile: proc.logFile };
  } catch (err) {
    lock.release();
    enginesInThisProcess.delete(paths.root);
    throw err;
  }
}
