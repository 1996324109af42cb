import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openLogFile } from './log-file.ts';
import { displayPath } from './paths.ts';
import { isAlive, processTree, signalProc, type ProcId } from './proc-tree.ts';
import { sleep } from './time.ts';

/**
 * A child process started in its own process group (`detached: true`), so a
 * Ctrl-C in the terminal reaches only our process and we stop children in
 * order. Stopping signals the group, and everything the child started is
 * tracked (some children detach their own children) so nothing outlives it.
 * Output goes to a log file (appended, rotated at a size cap: log-file.ts) and a small
 * in-memory tail.
 */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The last lines the child wrote (stdout and stderr). */
  lastLines(count?: number): string[];
  /** Sends `stopSignal` to the group, SIGKILL to the whole tree after `graceMs`. Idempotent. */
  stop(): Promise<void>;
}

export interface SpawnManagedOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Rotate the log file past this size (default: SPEDY_LOG_FILE_MAX_MB). */
  logFileMaxBytes?: number;
  /** Also copy the child's output to our stdout. */
  echo?: boolean;
  /**
   * Records the process tree so that a later start can stop what a killed
   * parent left behind (see stopLeftovers).
   */
  pidFile?: string;
  uid?: number;
  gid?: number;
  /** Signal for a graceful stop, sent to the child's group (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long to wait after stopSignal before SIGKILL (default 5000 ms). */
  graceMs?: number;
  /**
   * Signal sent synchronously if our process exits while the child still runs:
   * SIGKILL (default) goes to the whole tree, any other signal to the child's group.
   */
  emergencySignal?: NodeJS.Signals;
}

const TRACK_INTERVAL_MS = 5000;

interface LiveEntry {
  pid: number;
  signal: NodeJS.Signals;
  known: Map<number, ProcId>;
  done: () => boolean;
}
const live = new Set<LiveEntry>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when our process exits without stopping its children (uncaught
  // error, process.exit elsewhere): leave nothing behind.
  process.on('exit', () => {
    for (const entry of live) {
      if (entry.done()) continue;
      if (entry.signal === 'SIGKILL') {
        for (const proc of processTree(entry.pid)) entry.known.set(proc.pid, proc);
        killGroup(entry.pid, 'SIGKILL');
        for (const proc of entry.known.values()) signalProc(proc, 'SIGKILL');
      } else {
        killGroup(entry.pid, entry.signal);
      }
    }
  });
}

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function anyAlive(pid: number, known: readonly ProcId[]): boolean {
  if (killGroup(pid, 0)) return true;
  for (const proc of known) if (isAlive(proc)) return true;
  return false;
}

async function waitGone(pid: number, known: readonly ProcId[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (anyAlive(pid, known)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function writePidFile(file: string, known: Map<number, ProcId>): void {
  try {
    fs.writeFileSync(file, `${JSON.stringify([...known.values()])}\n`);
  } catch {}
}

/**
 * Stops processes recorded in `pidFile` by an earlier run whose parent was
 * killed before it could stop them (they would hold ports, the replica file or
 * the replication slot). Only processes whose pid and start time both match are
 * signalled. Returns how many were still running.
 */
export async function stopLeftovers(
  pidFile: string,
  stopSignal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<number> {
  let recorded: ProcId[];
  try {
    recorded = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
    if (!Array.isArray(recorded)) return 0;
  } catch {
    return 0;
  }
  const alive = recorded.filter(
    (p) => p && typeof p.pid === 'number' && typeof p.start === 'string' && p.pid !== process.pid && isAlive(p),
  );
  if (alive.length > 0) {
    // The leader (first) gets the graceful signal; orphaned helpers get it too.
    for (const proc of alive) signalProc(proc, stopSignal);
    const deadline = Date.now() + graceMs;
    while (alive.some(isAlive) && Date.now() < deadline) await sleep(100);
    for (const proc of alive) signalProc(proc, 'SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (alive.some(isAlive) && Date.now() < killDeadline) await sleep(50);
  }
  fs.rmSync(pidFile, { force: true });
  return alive.length;
}

export function spawnManaged(options: SpawnManagedOptions): ManagedProcess {
  installExitHook();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const tail: string[] = [];
  const log = openLogFile(options.logFile, options.logFileMaxBytes);
  // A full disk or a removed folder must not end the launcher: the tail keeps the last lines.
  log.on('error', (err) => tail.push(`(could not write ${options.logFile}: ${err.message})`));
  log.write(`\n=== ${new Date().toISOString()} ${options.name}: ${options.command} ${options.args.join(' ')}\n`);

  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });

  let partial = '';
  const onData = (chunk: Buffer) => {
    if (!log.writableEnded && !log.destroyed) log.write(chunk);
    if (options.echo) process.stdout.write(chunk);
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      tail.push(`(could not start ${options.command}: ${err.message})`);
      if (child.pid === undefined) {
        done = true;
        endLog();
        resolve({ code: null, signal: null });
      }
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });

  const pid = child.pid ?? -1;
  const known = new Map<number, ProcId>();
  const track = () => {
    if (done || pid <= 0) return;
    let added = false;
    for (const proc of processTree(pid)) {
      if (known.get(proc.pid)?.start !== proc.start) {
        known.set(proc.pid, proc);
        added = true;
      }
    }
    for (const [p, proc] of known) if (!isAlive(proc)) known.delete(p);
    if (added && options.pidFile) writePidFile(options.pidFile, known);
  };
  let tracker: NodeJS.Timeout | undefined;
  const entry: LiveEntry = { pid, signal: options.emergencySignal ?? 'SIGKILL', known, done: () => done };
  if (pid > 0) {
    live.add(entry);
    if (options.pidFile) fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
    track();
    // Children that detach themselves leave our group: keep their identities.
    setTimeout(track, 500).unref();
    tracker = setInterval(track, TRACK_INTERVAL_MS);
    tracker.unref();
  }

  void exited.then(() => {
    if (partial) tail.push(partial);
    partial = '';
  });
  // After the exit and the last output (stdio closes once the child and whatever inherited its pipes are gone).
  const endLog = () => {
    if (!log.writableEnded) log.end(`=== ${new Date().toISOString()} ${options.name} exited\n`);
  };
  child.once('close', endLog);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid > 0) {
        track();
        clearInterval(tracker);
        const graceMs = options.graceMs ?? 5000;
        if (!done) killGroup(pid, options.stopSignal ?? 'SIGTERM');
        const exitedInTime = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), graceMs);
          void exited.then(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        const killAll = () => {
          killGroup(pid, 'SIGKILL');
          for (const proc of known.values()) signalProc(proc, 'SIGKILL');
        };
        if (!exitedInTime) killAll();
        await exited;
        // The leader is gone; give what it started a moment, then make sure none outlives it.
        const tree = [...known.values()];
        if (!(await waitGone(pid, tree, exitedInTime ? 2000 : 100))) {
          killAll();
          await waitGone(pid, tree, 2000);
        }
      }
      live.delete(entry);
      if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
    })();
    return stopping;
  };

  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    lastLines: (count = 30) => {
      const lines = partial ? [...tail, partial] : tail;
      return lines.filter((l) => l.trim() !== '').slice(-count);
    },
    stop,
  };
}

/** Formats the tail of a process's output for an error message. */
export function describeTail(proc: ManagedProcess, count = 25): string {
  const lines = proc.lastLines(count);
  if (lines.length === 0) return `(no output; see ${displayPath(proc.logFile)})`;
  return `Last lines of ${displayPath(proc.logFile)}:\n${lines.map((l) => `  | ${l}`).join('\n')}`;
}
