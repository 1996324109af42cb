import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { displayPath } from './paths.ts';
import { sleep } from './time.ts';

/**
 * A child process started in its own process group (`detached: true`), so a
 * Ctrl-C in the terminal reaches only our process and we stop children in
 * order; stopping signals the whole group (the child and everything it forked).
 * Output goes to a log file (appended) and a small in-memory tail.
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
  /** Sends `stopSignal` to the group, then SIGKILL after `graceMs`. Idempotent. */
  stop(): Promise<void>;
}

export interface SpawnManagedOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Also copy the child's output to our stdout. */
  echo?: boolean;
  /** Records the group id so a later start can stop a group left behind by a killed parent. */
  pidFile?: string;
  /** A string that the child's command line contains (guards against pid reuse for pidFile). */
  marker?: string;
  uid?: number;
  gid?: number;
  /** Signal for a graceful stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long to wait after stopSignal before SIGKILL (default 5000 ms). */
  graceMs?: number;
  /** Signal sent synchronously if our process exits while the child still runs (default SIGKILL). */
  emergencySignal?: NodeJS.Signals;
}

const live = new Set<{ pid: number; signal: NodeJS.Signals; done: () => boolean }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when our process exits without stopping its children (uncaught
  // error, process.exit elsewhere): never leave a group behind.
  process.on('exit', () => {
    for (const entry of live) {
      if (!entry.done()) killGroup(entry.pid, entry.signal);
    }
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0 as unknown as NodeJS.Signals);
}

function readCmdline(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

async function waitGroupGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * If `pidFile` names a process group that still runs and whose leader's command
 * line contains `marker`, stop it (stopSignal, then SIGKILL). Returns its pid,
 * or null when there was nothing to stop.
 */
export async function stopStaleGroup(
  pidFile: string,
  marker: string,
  stopSignal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return null;
  }
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return null;
  const cmdline = readCmdline(pid);
  if (!cmdline || !cmdline.includes(marker) || !groupAlive(pid)) return null;
  killGroup(pid, stopSignal);
  if (!(await waitGroupGone(pid, graceMs))) {
    killGroup(pid, 'SIGKILL');
    await waitGroupGone(pid, 2000);
  }
  return pid;
}

export function spawnManaged(options: SpawnManagedOptions): ManagedProcess {
  installExitHook();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n=== ${new Date().toISOString()} ${options.name}: ${options.command} ${options.args.join(' ')}\n`);

  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });

  const tail: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
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
        resolve({ code: null, signal: null });
      }
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });

  const pid = child.pid ?? -1;
  const entry = { pid, signal: options.emergencySignal ?? 'SIGKILL', done: () => done };
  if (pid > 0) {
    live.add(entry);
    if (options.pidFile) {
      fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
      fs.writeFileSync(options.pidFile, `${pid}\n`);
    }
  }

  void exited.then(() => {
    if (partial) tail.push(partial);
    partial = '';
    log.end(`=== ${new Date().toISOString()} ${options.name} exited\n`);
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid > 0) {
        const graceMs = options.graceMs ?? 5000;
        if (!done) killGroup(pid, options.stopSignal ?? 'SIGTERM');
        const exitedInTime = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), graceMs);
          void exited.then(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (!exitedInTime) killGroup(pid, 'SIGKILL');
        await exited;
        // The leader is gone; make sure nothing it forked outlives it.
        if (!(await waitGroupGone(pid, exitedInTime ? 1000 : 100))) {
          killGroup(pid, 'SIGKILL');
          await waitGroupGone(pid, 2000);
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
