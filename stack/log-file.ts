// The launcher's log files (.data/logs/app.log, zero-cache.log, postgres.log…): each child's
// output is appended to its file, which rotating-file-stream rotates once it passes
// SPEDY_LOG_FILE_MAX_MB, logrotate style (app.log → app.log.1 → app.log.2, the oldest
// dropped), so an install left running cannot fill its disk with logs.
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { z } from 'zod';
import { StackError } from './errors.ts';

/** Rotated files kept beside the live one: at most three files of about the cap each. */
export const rotatedLogFilesKept = 2;

const maxMegabytes = z.coerce
  .number({ message: 'SPEDY_LOG_FILE_MAX_MB must be a whole number of megabytes' })
  .int('SPEDY_LOG_FILE_MAX_MB must be a whole number of megabytes')
  .min(1, 'SPEDY_LOG_FILE_MAX_MB must be at least 1')
  .max(100_000, 'SPEDY_LOG_FILE_MAX_MB must be at most 100000')
  .default(20);

/** The size at which a log file rotates, from SPEDY_LOG_FILE_MAX_MB (20 MB by default). */
export function logFileMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const parsed = maxMegabytes.safeParse(env.SPEDY_LOG_FILE_MAX_MB?.trim() || undefined);
  if (!parsed.success) throw new StackError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data * 1024 * 1024;
}

/** Appends to `file`, rotating it at `maxBytes`. A write is never split across two files. */
export function openLogFile(file: string, maxBytes = logFileMaxBytes()): RotatingFileStream {
  return createStream(path.basename(file), { path: path.dirname(file), size: `${maxBytes}B`, rotate: rotatedLogFilesKept });
}
