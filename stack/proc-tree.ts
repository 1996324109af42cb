import fs from 'node:fs';

/** A process identified by pid and start time (so a reused pid is never mistaken for it). */
export interface ProcId {
  pid: number;
  start: string;
}

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
  start: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    //  cutime cstime priority nice num_threads itrealvalue starttime …"; comm may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0]!, ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return null;
  }
}

/** The process's identity, or null when it does not run (or is a zombie). */
export function procId(pid: number): ProcId | null {
  const stat = readStat(pid);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? { pid, start: stat.start } : null;
}

export function isAlive(proc: ProcId): boolean {
  return procId(proc.pid)?.start === proc.start;
}

/**
 * `pid` and all its descendants. Needed because some children start their own
 * process groups (zero-cache forks its workers with `detached: true`, PostgreSQL
 * backends call setsid), so signalling our child's group does not reach them.
 */
export function processTree(pid: number): ProcId[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    const self = procId(pid);
    return self ? [self] : [];
  }
  const children = new Map<number, ProcStat[]>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat || stat.state === 'Z') continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const root = procId(pid);
  if (!root) return [];
  const result: ProcId[] = [root];
  for (let i = 0; i < result.length; i++) {
    for (const child of children.get(result[i]!.pid) ?? []) result.push({ pid: child.pid, start: child.start });
  }
  return result;
}

/** Sends `signal` to `proc` if it is still the same process. */
export function signalProc(proc: ProcId, signal: NodeJS.Signals): void {
  if (!isAlive(proc)) return;
  try {
    process.kill(proc.pid, signal);
  } catch {}
}
