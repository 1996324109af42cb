import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../test/support/poll.ts';
import { logFileMaxBytes, openLogFile, rotatedLogFilesKept } from './log-file.ts';
import { spawnManaged } from './process-group.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-logs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function sizes(dir: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, fs.statSync(path.join(dir, name)).size]));
}

describe('the stack’s log files', () => {
  it('rotate past the cap and keep two rotated files, however much is written', async () => {
    const dir = tempDir();
    const line = `${'x'.repeat(99)}\n`;
    const log = openLogFile(path.join(dir, 'app.log'), 1000);
    for (let i = 0; i < 100; i++) log.write(line);
    log.end('last line\n');
    await once(log, 'finish');

    const files = sizes(dir);
    expect(Object.keys(files).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    // A file passes the cap by at most one write before it rotates.
    for (const size of Object.values(files)) expect(size).toBeLessThanOrEqual(1000 + line.length);
    expect(fs.readFileSync(path.join(dir, 'app.log'), 'utf8')).toMatch(/last line\n$/);
    expect(rotatedLogFilesKept).toBe(2);
  });

  it('cap what a child process writes through the launcher', async () => {
    const dir = tempDir();
    const logFile = path.join(dir, 'logs', 'chatty.log');
    const proc = spawnManaged({
      name: 'chatty child',
      command: process.execPath,
      args: ['-e', "for (let i = 0; i < 10_000; i++) process.stdout.write(`line ${i} ${'y'.repeat(90)}\\n`)"],
      cwd: dir,
      env: process.env,
      logFile,
      logFileMaxBytes: 4000,
    });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    await proc.stop();
    await poll('the log ends with the exit line', async () => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('chatty child exited'), 5000, 20);

    const files = sizes(path.dirname(logFile));
    expect(Object.keys(files).sort()).toEqual(['chatty.log', 'chatty.log.1', 'chatty.log.2']);
    // 1 MB went through; three files of at most the cap plus one pipe read (64 kB) remain, the newest output in the live one.
    for (const size of Object.values(files)) expect(size).toBeLessThanOrEqual(4000 + 65_536);
    const newest = `${fs.readFileSync(`${logFile}.1`, 'utf8')}${fs.readFileSync(logFile, 'utf8')}`;
    expect(newest).toMatch(/line 9999 y+\n(\n?=== .* chatty child exited\n)$/);
  });

  it('take their cap from SPEDY_LOG_FILE_MAX_MB and refuse a value that is not a number of megabytes', () => {
    expect(logFileMaxBytes({})).toBe(20 * 1024 * 1024);
    expect(logFileMaxBytes({ SPEDY_LOG_FILE_MAX_MB: '5' })).toBe(5 * 1024 * 1024);
    expect(() => logFileMaxBytes({ SPEDY_LOG_FILE_MAX_MB: '0' })).toThrow('SPEDY_LOG_FILE_MAX_MB must be at least 1');
    expect(() => logFileMaxBytes({ SPEDY_LOG_FILE_MAX_MB: '10MB' })).toThrow('SPEDY_LOG_FILE_MAX_MB must be a whole number of megabytes');
  });
});
