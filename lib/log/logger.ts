// The platform's logger (pino): one JSON object a line for collectors, or pino-pretty's
// readable lines on a terminal (SPEDY_LOG_FORMAT, SPEDY_LOG_LEVEL in lib/config.ts). Every
// line written while an HTTP request runs carries its id (`reqId`, request-context.ts).
// Modules take a child: `const log = getLogger('runners')`.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { getLogSettings, type LogSettings } from '../config.ts';
import { currentRequestId } from './request-context.ts';

export type { Logger };

/**
 * Fields that carry credentials, at the top of a line's object or one level down, and request
 * or response headers up to two levels down: pino writes "[redacted]" in their place. Code
 * should not log them at all; this is the net under it.
 */
const credentialKeys = ['authorization', 'cookie', 'password', 'token', 'secret'];
export const redactedPaths = [
  ...credentialKeys,
  ...credentialKeys.map((k) => `*.${k}`),
  ...['headers', '*.headers', '*.*.headers'].flatMap((h) => [`${h}.authorization`, `${h}.cookie`, `${h}["set-cookie"]`, `${h}["x-spedy-setup-code"]`]),
];

export type LoggerSetup = { level: LogSettings['SPEDY_LOG_LEVEL']; pretty: boolean; destination?: DestinationStream };

export function createLogger(setup: LoggerSetup): Logger {
  const options: LoggerOptions = {
    level: setup.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    mixin: () => {
      const reqId = currentRequestId();
      return reqId ? { reqId } : {};
    },
  };
  // pino-pretty as a stream in this thread (not a worker transport): Next's route bundles load this file too.
  const destination = setup.destination ?? (setup.pretty ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,component', messageFormat: '{if component}[{component}] {end}{msg}' }) : undefined);
  return destination ? pino(options, destination) : pino(options);
}

/** Pretty when asked for, or by default when stdout is a terminal. */
export function setupFromSettings(settings: LogSettings, stdoutIsTerminal = process.stdout.isTTY === true): LoggerSetup {
  return { level: settings.SPEDY_LOG_LEVEL, pretty: settings.SPEDY_LOG_FORMAT ? settings.SPEDY_LOG_FORMAT === 'pretty' : stdoutIsTerminal };
}

// One root per process, on globalThis like the metrics: server/main.ts and Next's bundles share it.
const key = Symbol.for('spedy.log.root');
const store = globalThis as typeof globalThis & { [key]?: Logger };

/** This process's logger, or a child naming the part of the platform that writes (`component`). */
export function getLogger(component?: string): Logger {
  store[key] ??= createLogger(setupFromSettings(getLogSettings()));
  return component ? store[key].child({ component }) : store[key];
}
