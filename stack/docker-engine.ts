import fs from 'node:fs';
import path from 'node:path';
import { dockerInstallHint, pingDockerSocket } from '../supervisor/container/docker-probe.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { checkRunParent, createRunFolder, defaultRunParent, dockerRunPaths, recordedRunFolder, removeRunFolder, unmountUnder } from './docker-run-folder.ts';
import { StackError } from './errors.ts';
import { displayPath } from './paths.ts';
import { describeTail, spawnManaged, stopLeftovers } from './process-group.ts';
import { abortError, sleep } from './time.ts';
import { ReadinessError } from './wait.ts';

const DOCKERD_CANDIDATES = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];
/** On SIGTERM dockerd stops running containers, killing those still running after this long. */
const SHUTDOWN_TIMEOUT_S = 10;

/** The engine folder is in use by another live process. */
export class DockerEngineBusyError extends StackError {
  override name = 'DockerEngineBusyError';
}

/** The dockerd binary, when the engine is installed. */
export function dockerdPath(): string | null {
  return DOCKERD_CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? null;
}

export interface DockerEngineHandle {
  /** Unix socket of the engine (in its run folder); pass it to dockerode as `socketPath`. */
  socketPath: string;
  /** The short folder of this start (exec-root and sockets); removed by stop(). */
  runDir: string;
  /** Stops the engine (its running containers first) and anything it left behind. Idempotent. */
  stop(): Promise<void>;
  /** Resolves if the engine exits by itself (not through stop()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
}

export interface StartDockerEngineOptions {
  /**
   * The engine's own folder, at any depth: images in `docker/` (they persist here between
   * starts), its log and pid file. Sockets and runtime state go to a run folder instead.
   */
  dataDir: string;
  /** Where the run folder is made (default: the system temp folder); its sockets must fit in 104 bytes. */
  runParent?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** The engine's layout inside its data folder. */
export function dockerEnginePaths(dataDir: string) {
  const root = path.resolve(dataDir);
  return {
    root,
    dataRoot: path.join(root, 'docker'),
    pidFile: path.join(root, 'dockerd.pid'),
    logFile: path.join(root, 'logs', 'dockerd.log'),
    /** Our record of dockerd's process tree (so a later start can stop what a killed parent left). */
    procsFile: path.join(root, 'run', 'dockerd.procs.json'),
    /** Which run folder the current (or a killed) start uses. */
    runFolderRecord: path.join(root, 'run', 'run-folder'),
  };
}

/** Engine folders this process runs engines from (the folder lock lets its own process through). */
const enginesInThisProcess = new Set<string>();

/**
 * Starts a private Docker engine in `dataDir`, in its own process group (no
 * systemd here): no iptables rules and no bridge, so containers have either
 * loopback only (`NetworkMode: 'none'`) or the host's network. Needs root.
 * Its sockets and runtime state live in a short run folder (see
 * docker-run-folder.ts), so `dataDir` may be as deep as the checkout is.
 * Resolves once the engine answers `/_ping`.
 */
export async function startDockerEngine(options: StartDockerEngineOptions): Promise<DockerEngineHandle> {
  const paths = dockerEnginePaths(options.dataDir);
  const runParent = options.runParent ?? defaultRunParent();
  checkRunParent(runParent);
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
    const running = recordedRunFolder(paths.runFolderRecord);
    const useIt = running ? `Use that engine (DOCKER_HOST=unix://${dockerRunPaths(running).socketPath}) or give` : 'Give';
    throw new DockerEngineBusyError(`Another process runs a Docker engine from ${displayPath(paths.root)}. ${useIt} this one another folder. (${err.message})`);
  }
  let runDir: string | null = null;
  try {
    if (await stopLeftovers(paths.procsFile, 'SIGTERM', (SHUTDOWN_TIMEOUT_S + 5) * 1000)) {
      options.log?.('  stopped a Docker engine that an earlier, killed start left running');
    }
    const leftover = recordedRunFolder(paths.runFolderRecord);
    if (leftover) removeRunFolder(leftover, paths.runFolderRecord);
    // dockerd refuses to start while its pidfile names a live process; ours were stopped above.
    fs.rmSync(paths.pidFile, { force: true });
    runDir = createRunFolder(runParent, paths.runFolderRecord);
    const run = dockerRunPaths(runDir);

    const proc = spawnManaged({
      name: 'Docker engine',
      command: dockerd,
      args: [
        '--data-root', paths.dataRoot,
        '--exec-root', run.execRoot,
        '--pidfile', paths.pidFile,
        '--host', `unix://${run.socketPath}`,
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
        unmountUnder(paths.root);
        removeRunFolder(run.runDir, paths.runFolderRecord);
        lock.release();
        enginesInThisProcess.delete(paths.root);
      })();
      return stopping;
    };

    try {
      const deadline = Date.now() + 60_000;
      while (!(await pingDockerSocket(run.socketPath, 1000))) {
        if (options.signal?.aborted) throw abortError(options.signal);
        if (proc.hasExited()) throw new ReadinessError('The Docker engine exited during startup.', describeTail(proc));
        if (Date.now() > deadline) {
          throw new ReadinessError(`The Docker engine did not answer on ${run.socketPath} within 60 s.`, describeTail(proc));
        }
        await sleep(100, options.signal);
      }
    } catch (err) {
      await stop();
      throw err;
    }
    return { socketPath: run.socketPath, runDir: run.runDir, stop, exited: proc.exited, logFile: proc.logFile };
  } catch (err) {
    if (runDir) removeRunFolder(runDir, paths.runFolderRecord);
    lock.release();
    enginesInThisProcess.delete(paths.root);
    throw err;
  }
}
