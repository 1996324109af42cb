// The short folder a private Docker engine keeps its sockets and runtime state in (its
// exec-root and API socket): containerd refuses socket paths over 104 bytes, so these
// cannot live in the engine's data folder under a checkout of any depth. One folder per
// start, under the system temp folder, removed on stop; the data folder records it so the
// next start can clean up after a start that was killed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StackError } from './errors.ts';
import { processTree, signalProc } from './proc-tree.ts';

/** containerd refuses longer socket paths (its `containerd-debug.sock` under the exec-root is the longest). */
export const unixSocketPathMax = 104;
const folderPrefix = 'spedy-dockerd-';
/** mkdtemp's random suffix. */
const suffixLength = 6;
/** The longest socket path below a run folder. */
const longestSocket = path.join('exec', 'containerd', 'containerd-debug.sock');

/** What an engine keeps in its run folder. */
export function dockerRunPaths(runDir: string) {
  return {
    runDir,
    execRoot: path.join(runDir, 'exec'),
    socketPath: path.join(runDir, 'docker.sock'),
    /** dockerd starts its own containerd when none runs system-wide; its socket lives under exec-root. */
    containerdSocket: path.join(runDir, 'exec', 'containerd', 'containerd.sock'),
  };
}

/** Refuses a parent folder whose run folders' sockets would be too long for containerd, before anything is created. */
export function checkRunParent(runParent: string): void {
  const parent = path.resolve(runParent);
  const longest = path.join(parent, `${folderPrefix}${'x'.repeat(suffixLength)}`, longestSocket).length;
  if (longest <= unixSocketPathMax) return;
  throw new StackError(
    `The folder ${parent} for the Docker engine's sockets is too deep: they would exceed the ${unixSocketPathMax}-byte limit ` +
      `of unix socket paths. Point TMPDIR at a folder at most ${unixSocketPathMax - (longest - parent.length)} characters long.`,
  );
}

/** The run folder a start recorded in the engine's data folder, when one is recorded. */
export function recordedRunFolder(recordFile: string): string | null {
  try {
    return fs.readFileSync(recordFile, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** A fresh run folder under `runParent`, recorded in `recordFile`. */
export function createRunFolder(runParent: string, recordFile: string): string {
  checkRunParent(runParent);
  fs.mkdirSync(runParent, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(path.resolve(runParent), folderPrefix));
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, `${runDir}\n`);
  return runDir;
}

/**
 * Removes a run folder and what its engine left behind: shims (they daemonize, leaving
 * dockerd's process tree) and the mounts dockerd leaves in it (the host network namespace
 * bound at `exec/netns/default`), which would keep the folder busy.
 */
export function removeRunFolder(runDir: string, recordFile: string): void {
  killStrayShims(dockerRunPaths(runDir).containerdSocket);
  unmountUnder(runDir);
  fs.rmSync(runDir, { recursive: true, force: true });
  if (recordedRunFolder(recordFile) === runDir) fs.rmSync(recordFile, { force: true });
}

/** A shim that outlives its engine is found by the containerd socket named on its command line. */
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

export function unmountUnder(root: string): void {
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

/** The default parent of run folders: the system temp folder. */
export function defaultRunParent(): string {
  return os.tmpdir();
}
