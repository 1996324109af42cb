import { spawn } from 'node:child_process';
import { RunnerImageError } from './image-error.ts';

export interface HostCommandOptions {
  cwd?: string;
  /** Each output line, for progress (debootstrap prints one per package). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs a command on the host (debootstrap, tar, npm pack) and resolves with
 * its stdout; a failure rejects with the command's last output lines.
 */
export function runHostCommand(command: string, args: string[], options: HostCommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    try {
      options.signal?.throwIfAborted();
    } catch (reason) {
      return reject(reason);
    }
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const tail: string[] = [];
    const stdout: Buffer[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        options.onLine?.(line);
      }
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      collect(chunk);
    });
    child.stderr.on('data', collect);
    child.once('error', (err) => {
      if (err.name === 'AbortError') return reject(err);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new RunnerImageError(missing ? `${command} is not installed.` : `Could not run ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      reject(
        new RunnerImageError(
          `${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}).`,
          tail.map((l) => `  | ${l}`).join('\n'),
        ),
      );
    });
  });
}
