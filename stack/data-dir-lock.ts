import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.ts';
import { displayPath } from './paths.ts';
import { isAlive, procId, type ProcId } from './proc-tree.ts';

interface Owner extends ProcId {
  appUrl?: string;
}

export interface DataDirLock {
  /** Records where the stack can be reached (shown to a second start). */
  setAppUrl(url: string): void;
  release(): void;
}

/**
 * One stack per data folder: a second start would share the PostgreSQL
 * cluster and replica, and would stop the first one's processes as leftovers.
 * The lock (`run/owner.json`) names the owning process by pid and start time,
 * so a lock left by a killed process is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, 'run', 'owner.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me = procId(process.pid);
  const owner: Owner = me ?? { pid: process.pid, start: '' };

  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(owner), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
    }
    let current: Owner | undefined;
    try {
      current = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {}
    if (current && current.pid !== process.pid && typeof current.start === 'string' && isAlive(current)) {
      throw new StackError(
        `Spedy is already running from ${displayPath(dataDir)} (process ${current.pid}` +
          `${current.appUrl ? `, at ${current.appUrl}` : ''}). Stop it first (Ctrl-C in its terminal), or use another data folder.`,
      );
    }
    fs.rmSync(file, { force: true }); // left by a process that no longer runs
  }

  let released = false;
  return {
    setAppUrl(url) {
      if (released) return;
      owner.appUrl = url;
      fs.writeFileSync(file, JSON.stringify(owner));
    },
    release() {
      if (released) return;
      released = true;
      try {
        const current: Owner = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (current.pid === process.pid) fs.rmSync(file, { force: true });
      } catch {}
    },
  };
}
