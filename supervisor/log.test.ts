import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSupervisorLog, writesPrettyLogs } from './log.ts';

function written(format: 'json' | 'pretty' | undefined, stdoutIsTerminal: boolean): string {
  const destination = new PassThrough();
  const chunks: string[] = [];
  destination.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const log = createSupervisorLog({ level: 'info', format }, { stdoutIsTerminal, destination });
  log.info({ jobId: 'job_1', token: 'rnt_secret' }, 'job claimed');
  log.flush();
  return chunks.join('');
}

describe('supervisor logs', () => {
  it('are pretty on a terminal or when asked for, JSON otherwise', () => {
    expect(writesPrettyLogs(undefined, true)).toBe(true);
    expect(writesPrettyLogs(undefined, false)).toBe(false);
    expect(writesPrettyLogs('json', true)).toBe(false);
    expect(writesPrettyLogs('pretty', false)).toBe(true);
  });

  it('write one JSON object a line for collectors', () => {
    const line = JSON.parse(written(undefined, false).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, name: 'supervisor', msg: 'job claimed', jobId: 'job_1', token: '[redacted]' });
    expect(typeof line.time).toBe('string');
  });

  it('write readable lines on a terminal, the token redacted there too', () => {
    const text = written('pretty', false);
    expect(text).toMatch(/INFO.*job claimed/);
    expect(text).toContain('jobId: "job_1"');
    expect(text).not.toContain('rnt_secret');
    expect(() => JSON.parse(text)).toThrow();
  });
});
