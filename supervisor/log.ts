// The supervisor's logger as its modules see it: pino in production, a silent or recording
// stand-in in tests. A job's lines go through its secret set (runner/job-secrets.ts).
//
// pino writes one JSON object a line (for collectors), or pino-pretty's readable lines when
// stdout is a terminal or SPEDY_LOG_FORMAT=pretty, like the platform's lib/log/logger.ts.
import pino, { type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type Log = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  child?(bindings: object): Log;
};

export type LogSettings = {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Unset: pretty on a terminal, JSON otherwise. */
  format?: 'json' | 'pretty';
};

/** Pretty when asked for, or by default when stdout is a terminal. */
export function writesPrettyLogs(format: LogSettings['format'], stdoutIsTerminal: boolean): boolean {
  return format ? format === 'pretty' : stdoutIsTerminal;
}

// Defence in depth: nothing logs these, and if something did they would not be written.
const redactedPaths = ['token', 'authorization', '*.token', '*.authorization', 'headers.authorization', 'secrets', 'env'];

export function createSupervisorLog(
  settings: LogSettings,
  { stdoutIsTerminal = process.stdout.isTTY === true, destination }: { stdoutIsTerminal?: boolean; destination?: DestinationStream } = {},
): pino.Logger {
  const options: pino.LoggerOptions = {
    name: 'supervisor',
    level: settings.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  const prettyStream = writesPrettyLogs(settings.format, stdoutIsTerminal)
    ? pretty({ sync: true, destination: destination ?? 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' })
    : undefined;
  const stream = prettyStream ?? destination;
  return stream ? pino(options, stream) : pino(options);
}
