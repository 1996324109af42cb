import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { getLogSettings } from '../config.ts';
import { createLogger, setupFromSettings } from './logger.ts';

function recordingLogger(level: 'info' | 'warn' = 'info') {
  const text: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ level, pretty: false, destination }), text };
}

describe('the platform logger', () => {
  it('writes one JSON object a line', () => {
    const { log, text } = recordingLogger();
    log.child({ component: 'runners' }).info({ runnerId: 'r1' }, 'runner r1 is Offline');
    expect(text).toHaveLength(1);
    expect(JSON.parse(text[0])).toMatchObject({ level: 30, component: 'runners', runnerId: 'r1', msg: 'runner r1 is Offline' });
  });

  it('never writes credentials, even when code logs a request’s headers', () => {
    const { log, text } = recordingLogger();
    log.info(
      {
        req: { headers: { authorization: 'Bearer spedy_rt_secret1', cookie: 'better-auth.session_token=secret2', 'x-spedy-setup-code': 'SECRET-3', host: 'localhost' } },
        res: { headers: { 'set-cookie': 'better-auth.session_token=secret4' } },
        headers: { authorization: 'Basic c2VjcmV0NQ==' },
        body: { password: 'secret6', token: 'secret7' },
      },
      'what a careless line looks like',
    );
    for (const secret of ['secret1', 'secret2', 'SECRET-3', 'secret4', 'c2VjcmV0NQ==', 'secret6', 'secret7']) expect(text[0]).not.toContain(secret);
    expect(JSON.parse(text[0]).req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'x-spedy-setup-code': '[redacted]', host: 'localhost' });
  });

  it('writes nothing below its level', () => {
    const { log, text } = recordingLogger('warn');
    log.info('routine');
    log.warn('worth a look');
    expect(text.map((t) => JSON.parse(t).msg)).toEqual(['worth a look']);
  });

  it('is readable on a terminal and JSON elsewhere, unless SPEDY_LOG_FORMAT says which', () => {
    expect(setupFromSettings(getLogSettings({}), true)).toEqual({ level: 'info', pretty: true });
    expect(setupFromSettings(getLogSettings({}), false)).toEqual({ level: 'info', pretty: false });
    expect(setupFromSettings(getLogSettings({ SPEDY_LOG_FORMAT: 'json' }), true).pretty).toBe(false);
    expect(setupFromSettings(getLogSettings({ SPEDY_LOG_FORMAT: 'pretty', SPEDY_LOG_LEVEL: 'debug' }), false)).toEqual({ level: 'debug', pretty: true });
  });

  it('refuses an unknown level or format, naming the setting', () => {
    expect(() => getLogSettings({ SPEDY_LOG_LEVEL: 'verbose' })).toThrow(/SPEDY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(() => getLogSettings({ SPEDY_LOG_FORMAT: 'text' })).toThrow(/SPEDY_LOG_FORMAT must be "json" or "pretty"/);
  });
});
